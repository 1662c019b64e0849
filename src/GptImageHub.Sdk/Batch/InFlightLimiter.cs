namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Counts the batch's jobs that are on the service. New submissions wait for a free place; jobs
/// resumed from a journal take a place like any other.
/// </summary>
internal sealed class InFlightLimiter
{
    private readonly int _limit;
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource<bool>> _waiters = new();
    private int _count;

    public InFlightLimiter(int limit) => _limit = limit;

    public int Peak { get; private set; }

    public Task AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        lock (_gate)
        {
            if (_count < _limit)
            {
                Take();
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Takes as many free places as there are, up to <paramref name="max"/>, without waiting.</summary>
    public int TryAcquireUpTo(int max)
    {
        lock (_gate)
        {
            var taken = 0;
            while (taken < max && _count < _limit && _waiters.Count == 0)
            {
                Take();
                taken++;
            }

            return taken;
        }
    }

    public void Release(int count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _count -= count;
            while (_count < _limit && _waiters.Count > 0)
            {
                var waiter = _waiters.Dequeue();
                if (waiter.TrySetResult(true))
                {
                    Take();
                }
            }
        }
    }

    private void Take()
    {
        _count++;
        Peak = Math.Max(Peak, _count);
    }

    private static async Task WaitAsync(TaskCompletionSource<bool> waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetCanceled(), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }
}
