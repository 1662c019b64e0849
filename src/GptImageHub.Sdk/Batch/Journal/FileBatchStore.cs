namespace GptImageHub.Sdk.Batch;

/// <summary>
/// The embedded store: a JSON-lines journal on this machine's disk, held by one process at a time
/// (<see cref="BatchOptions.JournalPath"/>); or, without a path, the same bookkeeping in memory for
/// a batch that needs no crash safety. Items are claimed in the order they were enqueued.
/// </summary>
internal sealed class FileBatchStore : BatchStore
{
    private readonly string? _path;

    public FileBatchStore(string? path) => _path = path;

    public override ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken)
    {
        var journal = _path is null ? null : BatchJournal.Open(_path, settings.TimeProvider);
        return new ValueTask<BatchStoreSession>(new FileBatchSession(journal, settings));
    }

    public override ValueTask<BatchStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        if (_path is null || !File.Exists(_path))
        {
            return new ValueTask<BatchStatus>(FileBatchSession.Status(new Dictionary<string, JournalItem>(), budget: null));
        }

        // Read-only, beside a run that may hold the lock: appends are whole lines, so the reader sees a prefix of them.
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new ValueTask<BatchStatus>(FileBatchSession.Status(BatchJournal.ReadOnly(file, Path.GetFullPath(_path)), budget: null));
    }
}
