using GptImageHub.Sdk.Polling;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// One polling loop for every waiting job of a batch: it sleeps until the earliest job is due,
/// polls the due ones (at most <c>maxParallelPolls</c> at once), and reschedules each on its own
/// backoff. A thousand waiting jobs cost one loop and one timer, not a thousand. Changes wake the
/// loop through a signal swapped under the state's lock: a SemaphoreSlim wait that is cancelled can
/// still swallow a later release, which lost wake-ups here.
/// </summary>
internal sealed class BatchPoller : IDisposable
{
    private readonly GenerationPoller _poller;
    private readonly PollingOptions _polling;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _parallelPolls;
    private readonly Func<PolledJob, ImageGeneration?, Exception?, Task> _finished;
    private readonly object _gate = new();
    private readonly List<PolledJob> _jobs = [];
    private TaskCompletionSource<bool> _changed = NewSignal();
    private bool _complete;

    public BatchPoller(GenerationPoller poller, PollingOptions polling, TimeProvider time, int maxParallelPolls, Func<PolledJob, ImageGeneration?, Exception?, Task> finished)
    {
        _poller = poller;
        _polling = polling;
        _time = time;
        _parallelPolls = new SemaphoreSlim(maxParallelPolls);
        _finished = finished;
    }

    public void Track(BatchItem item, ImageGeneration current, bool pollNow)
    {
        var schedule = new PollSchedule(_polling, random: null);
        var now = _time.GetTimestamp();
        var job = new PolledJob(item, current, schedule, now, pollNow ? now : now + Ticks(schedule.NextDelay(null)));
        lock (_gate)
        {
            _jobs.Add(job);
            SignalLocked();
        }
    }

    /// <summary>No job will be added any more: the loop ends when the last one finishes.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
            SignalLocked();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            List<PolledJob> due;
            TimeSpan? wait;
            Task changed;
            lock (_gate)
            {
                // Taken with the state it answers for, so a change made after this read always wakes the wait below.
                changed = _changed.Task;
                if (_complete && _jobs.Count == 0)
                {
                    return;
                }

                var now = _time.GetTimestamp();
                due = _jobs.Where(j => j.NextPoll <= now).ToList();
                wait = due.Count > 0 || _jobs.Count == 0 ? null : _time.GetElapsedTime(now, _jobs.Min(j => j.NextPoll));
            }

            if (due.Count == 0)
            {
                await WaitForChangeAsync(changed, wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.WhenAll(due.Select(job => PollAsync(job, cancellationToken))).ConfigureAwait(false);
        }
    }

    private async Task WaitForChangeAsync(Task changed, TimeSpan? wait, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cancelled = Task.Delay(Timeout.Infinite, stop.Token);
        var timer = wait is { } delay ? DelayAsync(delay, stop.Token) : cancelled;
        await Task.WhenAny(changed, timer, cancelled).ConfigureAwait(false);
        stop.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task PollAsync(PolledJob job, CancellationToken cancellationToken)
    {
        await _parallelPolls.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var timedOut = _polling.Timeout != Timeout.InfiniteTimeSpan && _time.GetElapsedTime(job.Started) >= _polling.Timeout;
            if (timedOut)
            {
                await FinishAsync(job, null, GenerationPollerTimeout(job)).ConfigureAwait(false);
                return;
            }

            TimeSpan? retryAfter = null;
            try
            {
                var response = await _poller.PollAsync(job.Current, cancellationToken).ConfigureAwait(false);
                job.Current = response.Value;
                retryAfter = response.RetryAfter;
                if (job.Current.Status.IsTerminal)
                {
                    await FinishAsync(job, job.Current, null).ConfigureAwait(false);
                    return;
                }
            }
            catch (GptImageHubException ex) when (GenerationPoller.IsTransient(ex))
            {
                retryAfter = ex.ServerRetryAfter;
            }
            catch (GptImageHubException ex)
            {
                ex.GenerationId ??= job.Current.Id;
                await FinishAsync(job, null, ex).ConfigureAwait(false);
                return;
            }

            job.NextPoll = _time.GetTimestamp() + Ticks(job.Schedule.NextDelay(retryAfter));
        }
        finally
        {
            _parallelPolls.Release();
        }
    }

    private async Task FinishAsync(PolledJob job, ImageGeneration? generation, Exception? error)
    {
        lock (_gate)
        {
            _jobs.Remove(job);
            SignalLocked();
        }

        await _finished(job, generation, error).ConfigureAwait(false);
    }

    /// <summary>Wakes the loop: completes the current signal and arms a new one, under the lock that guards the state.</summary>
    private void SignalLocked()
    {
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult(true);
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => _parallelPolls.Dispose();

    private static GenerationTimeoutException GenerationPollerTimeout(PolledJob job) =>
        new($"Generation '{job.Current.Id}' of batch item '{job.Item.Key}' did not finish within Polling.Timeout. It may still finish: run the batch again with the same journal to resume it.", statusCode: null, errorCode: null, job.Current.Id);

    private long Ticks(TimeSpan delay) => (long)(delay.TotalSeconds * _time.TimestampFrequency);

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, _time, cancellationToken);
#else
        _time.Delay(delay, cancellationToken);
#endif

    /// <summary>A waiting job: its item, latest snapshot and backoff.</summary>
    internal sealed class PolledJob(BatchItem item, ImageGeneration current, PollSchedule schedule, long started, long nextPoll)
    {
        public BatchItem Item { get; } = item;

        public ImageGeneration Current { get; set; } = current;

        public PollSchedule Schedule { get; } = schedule;

        public long Started { get; } = started;

        public long NextPoll { get; set; } = nextPoll;
    }
}
