using System.Threading.Channels;
using GptImageHub.Sdk.Polling;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// One polling loop for every waiting job of a batch: it sleeps until the earliest job is due and
/// starts each due poll on its own (at most <c>maxParallelPolls</c> at once), so one slow poll never
/// holds back the others. Each job keeps its own backoff. A thousand waiting jobs cost one loop and
/// one timer, not a thousand. Changes and the timer wake the loop through a one-slot channel, whose
/// waits can be cancelled without swallowing a later wake-up (a SemaphoreSlim's could) and cost no
/// allocation: the loop wakes several times per job, and a fresh linked token, delay and signal per
/// wake-up were most of a batch item's allocation (measured in docs/benchmarks.md).
/// </summary>
internal sealed class BatchPoller
{
    private readonly IGptImageHubClient _client;
    private readonly PollingOptions _polling;
    private readonly TimeProvider _time;
    private readonly int _maxParallelPolls;
    private readonly Action<PolledJob, ImageGeneration?, Exception?> _finished;
    private readonly object _gate = new();
    private readonly List<PolledJob> _jobs = [];
    private readonly HashSet<Task> _polls = [];
    private readonly TaskCompletionSource<bool> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private bool _complete;

    /// <param name="client">Polls with <see cref="IGptImageHubClient.GetGenerationAsync"/>.</param>
    /// <param name="polling">The schedule each job follows.</param>
    /// <param name="time">The clock of the schedule.</param>
    /// <param name="maxParallelPolls">The most polls on the wire at once.</param>
    /// <param name="finished">
    /// Called once per job: with the terminal generation, or with the error that ended the wait
    /// (a poll timeout, a refused key, the client disposed, or <see cref="OperationCanceledException"/>
    /// when the batch stopped); the job is then unfinished but paid for.
    /// </param>
    public BatchPoller(IGptImageHubClient client, PollingOptions polling, TimeProvider time, int maxParallelPolls, Action<PolledJob, ImageGeneration?, Exception?> finished)
    {
        _client = client;
        _polling = polling;
        _time = time;
        _maxParallelPolls = maxParallelPolls;
        _finished = finished;
    }

    public void Track(BatchItem item, string generationId, bool pollNow)
    {
        var schedule = new PollSchedule(_polling, random: null);
        var now = _time.GetTimestamp();
        var job = new PolledJob(item, generationId, schedule, now, pollNow ? now : now + Ticks(schedule.NextDelay(null)));
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

        _completed.TrySetResult(true);
    }

    /// <summary>
    /// Polls until every job has finished and <see cref="Complete"/> was called. When
    /// <paramref name="cancellationToken"/> fires, the polls in flight end, and once
    /// <see cref="Complete"/> is called every job still waiting (or tracked since) is reported
    /// unfinished; this never throws.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var due = new List<PolledJob>();
        using var timer = _time.CreateTimer(static state => ((BatchPoller)state!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan? wait;
            due.Clear();
            lock (_gate)
            {
                // A change made after this read leaves a wake-up in the channel, so the wait below returns at once.
                if (_complete && _jobs.Count == 0)
                {
                    break;
                }

                var now = _time.GetTimestamp();
                long? next = null;
                foreach (var job in _jobs)
                {
                    if (job.Polling)
                    {
                        continue;
                    }

                    if (job.NextPoll <= now && _polls.Count + due.Count < _maxParallelPolls)
                    {
                        job.Polling = true;
                        due.Add(job);
                    }
                    else if (job.NextPoll > now)
                    {
                        next = next is { } earliest ? Math.Min(earliest, job.NextPoll) : job.NextPoll;
                    }
                }

                wait = next is { } at ? _time.GetElapsedTime(now, at) : null;
            }

            // Started outside the lock: a poll that ends at once reports its job, and that report must not run under the poller's lock.
            foreach (var job in due)
            {
                var poll = PollAsync(job, cancellationToken);
                lock (_gate)
                {
                    _polls.Add(poll);
                }

                _ = poll.ContinueWith(Forget, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (due.Count == 0)
            {
                timer.Change(wait ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                try
                {
                    await _wake.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        Task[] inFlight;
        lock (_gate)
        {
            inFlight = [.. _polls];
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);

        // Stopped: jobs may still arrive from submits that were on the wire; each must be reported, so
        // the sweep waits until the runner says no more will come.
        await _completed.Task.ConfigureAwait(false);
        List<PolledJob> left;
        lock (_gate)
        {
            left = [.. _jobs];
            _jobs.Clear();
        }

        foreach (var job in left)
        {
            _finished(job, null, new OperationCanceledException("The batch stopped before this generation finished.", cancellationToken));
        }
    }

    private static void Forget(Task poll, object? state)
    {
        var poller = (BatchPoller)state!;
        lock (poller._gate)
        {
            poller._polls.Remove(poll);
            poller.SignalLocked();
        }
    }

    /// <summary>Polls one job once; never throws, so a failed poll can never stop the loop.</summary>
    private async Task PollAsync(PolledJob job, CancellationToken cancellationToken)
    {
        TimeSpan? retryAfter = null;
        try
        {
            if (_polling.Timeout != Timeout.InfiniteTimeSpan && _time.GetElapsedTime(job.Started) >= _polling.Timeout)
            {
                Finish(job, null, TimedOut(job));
                return;
            }

            var generation = await _client.GetGenerationAsync(job.GenerationId, cancellationToken).ConfigureAwait(false);
            if (generation.Status.IsTerminal)
            {
                Finish(job, generation, null);
                return;
            }
        }
        catch (GptImageHubException ex) when (GenerationPoller.IsTransient(ex))
        {
            retryAfter = ex.RetryAfter;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Reported with the other waiting jobs when the loop ends.
        }
        catch (Exception ex)
        {
            // A refused key, a job the service no longer knows, a disposed client: the wait ends here, the job stays paid for.
            Finish(job, null, ex);
            return;
        }

        lock (_gate)
        {
            job.NextPoll = _time.GetTimestamp() + Ticks(job.Schedule.NextDelay(retryAfter));
            job.Polling = false;
            SignalLocked();
        }
    }

    private void Finish(PolledJob job, ImageGeneration? generation, Exception? error)
    {
        lock (_gate)
        {
            _jobs.Remove(job);
            SignalLocked();
        }

        _finished(job, generation, error);
    }

    /// <summary>Wakes the loop; a wake-up already waiting covers this one.</summary>
    private void Wake() => _wake.Writer.TryWrite(true);

    private void SignalLocked() => Wake();

    private static GenerationTimeoutException TimedOut(PolledJob job) =>
        new($"Generation '{job.GenerationId}' of batch item '{job.Item.Key}' did not finish within Polling.Timeout. It may still finish: run the batch again with the same journal to resume it.", statusCode: null, errorCode: null, job.GenerationId);

    private long Ticks(TimeSpan delay) => (long)(delay.TotalSeconds * _time.TimestampFrequency);

    /// <summary>A waiting job: its item, id and backoff. <see cref="NextPoll"/> and <see cref="Polling"/> change under the poller's lock.</summary>
    internal sealed class PolledJob(BatchItem item, string generationId, PollSchedule schedule, long started, long nextPoll)
    {
        public BatchItem Item { get; } = item;

        public string GenerationId { get; } = generationId;

        public PollSchedule Schedule { get; } = schedule;

        public long Started { get; } = started;

        public long NextPoll { get; set; } = nextPoll;

        public bool Polling { get; set; }
    }
}
