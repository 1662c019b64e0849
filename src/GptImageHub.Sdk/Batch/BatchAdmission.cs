namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Decides whether the next item may be submitted: not after the batch stopped (a refused key, no
/// credits left, a journal that cannot write, the caller cancelling), and, under a budget, only
/// with a price the store can reserve. The reservation itself is the store's, so one budget holds
/// for every process that shares the store.
/// </summary>
internal sealed class BatchAdmission
{
    private readonly IGptImageHubClient _client;
    private readonly long? _budget;
    private string? _stopReason;

    public BatchAdmission(IGptImageHubClient client, long? budget)
    {
        _client = client;
        _budget = budget;
    }

    /// <summary>Why the batch stopped submitting, or null while it goes on.</summary>
    public string? StopReason => Volatile.Read(ref _stopReason);

    /// <summary>Stops new submissions; the first reason given is kept.</summary>
    public void Stop(string reason) => Interlocked.CompareExchange(ref _stopReason, reason, null);

    /// <summary>The stop rule: a failure that every later submit would meet too ends the batch's submissions.</summary>
    public void StopIfFatal(Exception error, string key)
    {
        if (error is InsufficientCreditsException or UnauthorizedException)
        {
            Stop($"Not submitted: the batch stopped after {error.GetType().Name} on item '{key}'.");
        }
    }

    /// <summary>Prices an item when there is a budget to keep.</summary>
    /// <returns>The credits to reserve (null without a budget), or the reason the item is skipped.</returns>
    public async Task<(long? Credits, string? SkipReason)> PriceAsync(BatchItem item, CancellationToken cancellationToken)
    {
        if (StopReason is { } stopped)
        {
            return (null, stopped);
        }

        if (_budget is null)
        {
            return (null, null);
        }

        CreditEstimate estimate;
        try
        {
            estimate = await _client.EstimateCreditsAsync(item.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any client, not only this SDK's, may fail here in its own way (a decorator's timeout); the item is simply not priced.
            return (null, $"Not submitted: its price could not be estimated ({ex.Message}).");
        }

        return estimate.Credits is { } credits
            ? (credits, null)
            : (null, $"Not submitted: the budget cannot be kept for an item whose price is unknown ({estimate.Reason}).");
    }

    /// <summary>The skip reason for an item whose submit the store refused to record, as the store said why.</summary>
    public string Refused(BatchSubmitStart start, long credits) => start switch
    {
        BatchSubmitStart.OverBudget =>
            $"Not submitted: its {credits} credits would take the batch past its budget of {_budget} (credits spent, reserved by items in flight, and possibly charged by unknown items all count).",

        // Not a budget matter at all: this worker's lease lapsed (a pause, an outage) and the store gave the item
        // to another worker of the batch, which posts it. Posting it here too would pay twice.
        BatchSubmitStart.ClaimLost =>
            "Not submitted: another worker of the batch holds this item now (the store handed it over after this worker's lease lapsed), and it is that worker's to post.",
        _ => $"Not submitted: the store refused to record its submit ({start}).",
    };
}
