namespace GptImageHub.Sdk.Core;

/// <summary>
/// The last <c>/models</c> answer and when it arrived, on the client's clock. It lives in the
/// <see cref="ClientCore"/>, so every client built on one core (every scope of a DI application)
/// shares one price list instead of fetching its own, and callers that find it stale at the same
/// time wait for one fetch instead of sending one each.
/// </summary>
internal sealed class ModelCache
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly object _gate = new();
    private Entry? _entry;
    private Task<IReadOnlyList<ImageModel>?>? _fetching;

    public ModelCache(TimeProvider time, TimeSpan lifetime)
    {
        _time = time;
        _lifetime = lifetime;
    }

    /// <summary>The cached list while it is younger than <c>ModelCacheDuration</c>; otherwise null.</summary>
    public IReadOnlyList<ImageModel>? Fresh =>
        Volatile.Read(ref _entry) is { } entry && (_lifetime == Timeout.InfiniteTimeSpan || _time.GetElapsedTime(entry.FetchedAt) < _lifetime)
            ? entry.Models
            : null;

    /// <summary>
    /// The fresh list, or the answer of one fetch shared by every caller that asks while it runs.
    /// A caller who joined someone else's fetch and saw it fail (that client disposed, that caller
    /// cancelled, the network) fetches once itself, so a failure is only ever its own; a joiner's
    /// own cancellation ends its wait at once.
    /// </summary>
    public async Task<IReadOnlyList<ImageModel>> GetAsync(Func<CancellationToken, Task<IReadOnlyList<ImageModel>>> fetch, CancellationToken cancellationToken)
    {
        if (Fresh is { } models)
        {
            return models;
        }

        // The fetch is started outside the lock: one that completes at once must not find the lock held.
        TaskCompletionSource<IReadOnlyList<ImageModel>?>? mine = null;
        Task<IReadOnlyList<ImageModel>?> shared;
        lock (_gate)
        {
            if (_fetching is null)
            {
                mine = new TaskCompletionSource<IReadOnlyList<ImageModel>?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _fetching = mine.Task;
            }

            shared = _fetching;
        }

        if (mine is null)
        {
            // Null: the fetch we joined failed for its own caller; this caller tries for itself.
            return await WaitAsync(shared, cancellationToken).ConfigureAwait(false) ?? await fetch(cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<ImageModel>? fetched = null;
        try
        {
            fetched = await fetch(cancellationToken).ConfigureAwait(false);
            return fetched;
        }
        finally
        {
            lock (_gate)
            {
                _fetching = null;
            }

            mine.SetResult(fetched);
        }
    }

    /// <summary>Keeps an answer that just arrived.</summary>
    public void Store(IReadOnlyList<ImageModel> models) =>
        Volatile.Write(ref _entry, new Entry(models, _time.GetTimestamp()));

    /// <summary>The model with this id in the last answer, however old, or null.</summary>
    public ImageModel? Find(string modelId) =>
        Volatile.Read(ref _entry)?.Models.FirstOrDefault(m => string.Equals(m.Id, modelId, StringComparison.Ordinal));

    private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
#if NET6_0_OR_GREATER
        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
#else
        var canceled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), canceled))
        {
            await Task.WhenAny(task, canceled.Task).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await task.ConfigureAwait(false);
#endif
    }

    private sealed record Entry(IReadOnlyList<ImageModel> Models, long FetchedAt);
}
