namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// The database could not be reached at all (its port refused the connection, its host is unknown) by a call that
/// does not wait out outages: a status read a person asked for, where waiting on a typo helps nobody.
/// </summary>
internal sealed class DatabaseUnreachableException(string message, Exception? innerException) : IOException(message, innerException);
