namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// The database answered and refused what the store asked (a database that does not exist, a role or password refused,
/// a permission missing): nothing that waiting fixes, so the store fails at once, and says it was the database, not a file.
/// </summary>
internal sealed class DatabaseRefusedException(string message, Exception? innerException) : IOException(message, innerException);
