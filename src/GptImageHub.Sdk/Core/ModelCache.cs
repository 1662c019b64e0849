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
    /// The fresh list, or the outcome of one fetch shared by every caller that asks while it runs:
    /// its list, or its failure (the service or the network failing it fails every caller, after one
    /// request, instead of each caller sending its own when the service struggles). A fetch its own
    /// caller stopped (that caller's cancellation, or its client's disposal) is no one else's
    /// outcome: the callers waiting on it start or join the next one. A caller's own cancellation
    /// ends its wait at once.
    /// </summary>
    public async Task<IReadOnlyList<ImageModel>> GetAsync(Func<CancellationToken, Task<IReadOnlyList<ImageModel>>> fetch, CancellationToken cancellationToken)
    {
        while (true)
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
                // Null: the fetch joined was stopped by its own caller; start or join the next one.
                if (await CancelableWait.WaitAsync(shared, cancellationToken).ConfigureAwait(false) is { } joined)
                {
                    return joined;
                }

                continue;
            }

            return await FetchAsync(fetch, mine, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps an answer that just arrived.</summary>
    public void Store(IReadOnlyList<ImageModel> models) =>
        Volatile.Write(ref _entry, new Entry(models, _time.GetTimestamp()));

    /// <summary>The model with this id in the last answer, however old, or null.</summary>
    public ImageModel? Find(string modelId) =>
        Volatile.Read(ref _entry)?.Models.FirstOrDefault(m => string.Equals(m.Id, modelId, StringComparison.Ordinal));

    private async Task<IReadOnlyList<ImageModel>> FetchAsync(Func<CancellationToken, Task<IReadOnlyList<ImageModel>>> fetch, TaskCompletionSource<IReadOnlyList<ImageModel>?> mine, CancellationToken cancellationToken)
    {
        IReadOnlyList<ImageModel>? fetched = null;
        Exception? failure = null;
        try
        {
            fetched = await fetch(cancellationToken).ConfigureAwait(false);
            return fetched;
        }
        catch (Exception ex) when (!StoppedByItsCaller(ex, cancellationToken))
        {
            failure = ex;
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _fetching = null;
            }

            if (failure is not null)
            {
                mine.SetException(failure);

                // Observed here, so that a failure no caller joined is not reported as unobserved.
                _ = mine.Task.Exception;
            }
            else
            {
                // The list, or null for a fetch its own caller stopped: the joiners go on to the next fetch.
                mine.SetResult(fetched);
            }
        }
    }

    /// <summary>Whether a fetch ended by its caller's cancellation or its client's disposal (clients share one cache): not the joiners' outcome.</summary>
    private static bool StoppedByItsCaller(Exception ex, CancellationToken cancellationToken) =>
        (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) || ex is ObjectDisposedException or ClientDisposedException;

    private sealed record Entry(IReadOnlyList<ImageModel> Models, long FetchedAt);
}
