namespace GptImageHub.Sdk.Batch;

/// <summary>
/// The journal's lock file could not be taken, before anything was sent: another run holds it (<see cref="InUse"/>), or
/// it cannot be made where the journal is to be. Public callers see the documented <see cref="IOException"/>; gih tells
/// the two apart to say what to change.
/// </summary>
internal sealed class BatchJournalLockException(string message, bool inUse, Exception innerException) : IOException(message, innerException)
{
    /// <summary>Whether another run holds the journal (otherwise its lock file cannot be created).</summary>
    public bool InUse { get; } = inUse;
}
