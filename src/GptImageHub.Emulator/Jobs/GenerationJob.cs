using GptImageHub.Emulator.Requests;

namespace GptImageHub.Emulator.Jobs;

/// <summary>
/// One generation and its progress. The schedule (when it starts processing and when it ends) is
/// fixed at creation, so its state at any moment follows from the clock alone; that is what lets
/// tests drive it with a fake time provider.
/// </summary>
internal sealed class GenerationJob
{
    // Guards the state and its one-time completion; the ledger's lock may be taken inside it, never the other way round.
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _status = GenerationStatuses.Queued;
    private IReadOnlyList<StoredImage> _images = [];
    private int _creditsCharged;
    private readonly List<StatusChange> _history;

    public GenerationJob(string id, string userId, GenerationSpec spec, DateTimeOffset createdAt, TimeSpan queueDelay, TimeSpan processingDelay, int imagesToDeliver)
    {
        Id = id;
        UserId = userId;
        Spec = spec;
        CreatedAt = createdAt;
        ProcessingAt = createdAt + queueDelay;
        FinishesAt = ProcessingAt + processingDelay;
        ImagesToDeliver = imagesToDeliver;
        _history = [new StatusChange(GenerationStatuses.Queued, createdAt)];
    }

    public string Id { get; }

    public string UserId { get; }

    public GenerationSpec Spec { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset ProcessingAt { get; }

    public DateTimeOffset FinishesAt { get; }

    /// <summary>How many images the "provider" returns: <see cref="GenerationSpec.N"/> unless a fault says fewer; zero fails the job.</summary>
    public int ImagesToDeliver { get; }

    public Task Finished => _finished.Task;

    /// <summary>Every status the job has had, oldest first, each at its scheduled moment (so a fake clock gives exact times).</summary>
    public IReadOnlyList<StatusChange> History()
    {
        lock (_gate)
        {
            return [.. _history];
        }
    }

    public JobSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new JobSnapshot(_status, _images, _creditsCharged);
        }
    }

    public void MarkProcessing()
    {
        lock (_gate)
        {
            if (_status == GenerationStatuses.Queued)
            {
                _status = GenerationStatuses.Processing;
                _history.Add(new StatusChange(_status, ProcessingAt));
            }
        }
    }

    /// <summary>
    /// Ends the job once: <paramref name="settle"/> runs under the job's lock (so a concurrent
    /// poll and the background run cannot both refund) and returns the end state.
    /// </summary>
    /// <returns>True when this call ended the job; false when it had already ended.</returns>
    public bool TryFinish(Func<GenerationJob, JobSnapshot> settle)
    {
        lock (_gate)
        {
            if (_status is GenerationStatuses.Succeeded or GenerationStatuses.Failed)
            {
                return false;
            }

            var end = settle(this);
            _status = end.Status;
            _images = end.Images;
            _creditsCharged = end.CreditsCharged;
            if (_history[^1].Status == GenerationStatuses.Queued)
            {
                // A poll that arrives after both moments skips processing; the history still shows it.
                _history.Add(new StatusChange(GenerationStatuses.Processing, ProcessingAt));
            }

            _history.Add(new StatusChange(_status, FinishesAt));
        }

        _finished.TrySetResult();
        return true;
    }

    public void Abandon() => _finished.TrySetCanceled();
}
