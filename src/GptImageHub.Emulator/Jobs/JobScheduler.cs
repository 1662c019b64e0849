using System.Collections.Concurrent;
using GptImageHub.Emulator.State;

namespace GptImageHub.Emulator.Jobs;

/// <summary>
/// Moves generations through queued, processing and their end state. Each job has a background run
/// that waits on the time provider; a poll also brings a job up to date with the clock, so a test
/// that advances a fake clock sees the new state at once. Dispose stops and awaits every run.
/// </summary>
internal sealed class JobScheduler : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly EmulatorLedger _ledger;
    private readonly GenerationStore _store;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<GenerationJob, Task> _running = new();

    public JobScheduler(TimeProvider time, EmulatorLedger ledger, GenerationStore store)
    {
        _time = time;
        _ledger = ledger;
        _store = store;
    }

    public void Start(GenerationJob job)
    {
        var run = RunAsync(job, _shutdown.Token);
        if (run.IsCompleted)
        {
            return;
        }

        _running[job] = run;
        _ = run.ContinueWith((_, state) => _running.TryRemove((GenerationJob)state!, out Task? _), job, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Brings a job's state up to the clock's present.</summary>
    public void Refresh(GenerationJob job)
    {
        var now = _time.GetUtcNow();
        if (now >= job.FinishesAt)
        {
            job.TryFinish(Settle);
        }
        else if (now >= job.ProcessingAt)
        {
            job.MarkProcessing();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _shutdown.Dispose();
    }

    private async Task RunAsync(GenerationJob job, CancellationToken cancellationToken)
    {
        try
        {
            await DelayUntilAsync(job.ProcessingAt, cancellationToken).ConfigureAwait(false);
            job.MarkProcessing();
            await DelayUntilAsync(job.FinishesAt, cancellationToken).ConfigureAwait(false);

            // Timers and the wall clock can disagree by a tick, so the run ends the job without re-reading the clock.
            job.TryFinish(Settle);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Abandon();
        }
    }

    private async Task DelayUntilAsync(DateTimeOffset moment, CancellationToken cancellationToken)
    {
        var wait = moment - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The provider's answer: the images it "returns" are saved and the missing ones refunded, as
    /// the service refunds automatically; no image at all is a failure with a full refund.
    /// </summary>
    private JobSnapshot Settle(GenerationJob job)
    {
        var spec = job.Spec;
        var delivered = Math.Clamp(job.ImagesToDeliver, 0, spec.N);
        _ledger.Refund(job.UserId, (spec.N - delivered) * spec.CreditsPerImage, job.Id);
        if (delivered == 0)
        {
            return new JobSnapshot(GenerationStatuses.Failed, [], 0);
        }

        var now = _time.GetUtcNow();
        var images = new StoredImage[delivered];
        for (var i = 0; i < delivered; i++)
        {
            images[i] = new StoredImage(EntityIds.New(), job.UserId, job.Id, i, spec.Prompt, spec.Width, spec.Height, now);
        }

        _store.AddImages(images);
        _ledger.RecordImagesDelivered(delivered);
        return new JobSnapshot(GenerationStatuses.Succeeded, images, delivered * spec.CreditsPerImage);
    }
}
