namespace GptImageHub.Sdk.Batch;

/// <summary>
/// One process's part in a batch, opened by <see cref="BatchStore.OpenAsync"/>. The batch runner
/// enqueues the caller's items, claims work, and records each step. Methods may be called
/// concurrently. See <see cref="BatchStore"/> for the contract.
/// </summary>
/// <remarks>
/// The runner stops waiting for a call once its token is cancelled, whether or not the call ends: a store that ignores
/// its token cannot keep a stopped batch from ending. What such a call does after that (a record that lands late) is
/// the store's; each record must still be right whenever it lands. <see cref="DisposeAsync"/> is waited for up to the
/// same few seconds after a stop as a record.
/// </remarks>
public abstract class BatchStoreSession : IAsyncDisposable
{
    /// <summary>Adds items to the batch, idempotently by key.</summary>
    /// <param name="items">The next chunk of the caller's items, in order.</param>
    /// <param name="isLastChunk">True when no more items will be enqueued by this session.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>A task that completes when the items are enqueued.</returns>
    /// <exception cref="ArgumentException">A key was recorded earlier with a different request fingerprint.</exception>
    public abstract ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="maxCount"/> pieces of work for this session.</summary>
    /// <param name="maxCount">The most claims wanted; at least 1.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>
    /// The claims, in enqueue order where the store has one. An empty list with
    /// <see cref="BatchClaims.Drained"/> false means "nothing now; ask again later" (another worker
    /// still owns items that may come back).
    /// </returns>
    public abstract ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Records, durably, that a claimed item is about to be posted, and reserves its credits inside
    /// the budget. Nothing may be sent unless this returned <see cref="BatchSubmitStart.Recorded"/>.
    /// </summary>
    /// <param name="key">The claimed item's key.</param>
    /// <param name="credits">The estimated price, or null when there is no budget to keep.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>
    /// <see cref="BatchSubmitStart.Recorded"/> when recorded and reserved. Otherwise nothing is recorded and nothing
    /// may be sent, and the value says why: <see cref="BatchSubmitStart.OverBudget"/> when the reservation would pass
    /// the budget (the claim released for this run), <see cref="BatchSubmitStart.ClaimLost"/> when the claim was
    /// handed to another worker (a shared store, after this session's lease lapsed).
    /// </returns>
    /// <exception cref="IOException">The record could not be made durable.</exception>
    public abstract ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken);

    /// <summary>Records a step of a claimed item after its submit: its id, its outcome, or why it was not charged.</summary>
    /// <param name="record">What happened.</param>
    /// <param name="cancellationToken">
    /// Stops the call. The runner does not cancel it when the caller stops the batch: a record is a step of a job that
    /// may be paid for, so it is still written, and the token is cancelled only if that takes more than a few seconds
    /// after the stop, or after the record began when a submit in flight was answered later (an outage), so that a
    /// stopped batch still ends. A store that ignores the token is not waited for past it: the record may land later, or never.
    /// </param>
    /// <returns>A task that completes once the record is durable.</returns>
    /// <exception cref="IOException">The record could not be made durable.</exception>
    public abstract ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back a claim the runner cannot work on or finish: an item this session did not enqueue (a shared store
    /// may offer the items of every worker of the batch, and only the worker that enqueued one can build its
    /// request), an item of its own it skips without posting (the batch stopped submitting, no price under a budget),
    /// or a posted item it stopped following without an outcome (its wait passed <see cref="PollingOptions.Timeout"/>,
    /// or a poll failed for good). The store offers it to another session (a posted one to resume by id, never to
    /// post), not to this one again, and does not wait for it before it tells this session it is drained. A claim
    /// held and never worked on would stay this live session's, and no session of the batch could drain.
    /// </summary>
    /// <param name="claim">A <see cref="BatchClaimKind.Submit"/> or <see cref="BatchClaimKind.Resume"/> claim this session handed out.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>A task that completes once the claim is given back.</returns>
    /// <remarks>
    /// Virtual, so that a store written before it keeps compiling; the default throws. For an item of its own the
    /// runner then carries on: a store whose sessions are offered only their own items (as the file store's are)
    /// needs no hand-back. An item it did not enqueue is never offered by such a store, so there the batch stops with
    /// an <see cref="IOException"/> naming the session, instead of holding the claim and leaving every worker of the
    /// batch waiting forever: a store shared by workers with different item lists must override this, and a decorator
    /// of such a store's session must forward it.
    /// </remarks>
    /// <exception cref="IOException">The store could not record it.</exception>
    /// <exception cref="NotSupportedException">This session does not override it (the default).</exception>
    public virtual ValueTask ReleaseClaimAsync(BatchClaim claim, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            $"{GetType().FullName} cannot hand back its claim on item '{claim?.Key}' ({nameof(ReleaseClaimAsync)} is not overridden): "
            + "a store shared by workers with different items must override it, and a decorator of its session must forward it.");

    /// <summary>Releases ownership (a lock, a lease). Never throws for a failed flush: records are durable when recorded.</summary>
    /// <returns>A task that completes once released.</returns>
    public abstract ValueTask DisposeAsync();
}
