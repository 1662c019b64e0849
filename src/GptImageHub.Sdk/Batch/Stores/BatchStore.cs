namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Where a batch records its progress so that it never pays twice: the embedded JSON-lines file
/// journal (<see cref="BatchOptions.JournalPath"/>), or a shared store such as the PostgreSQL fleet
/// store, through which several processes run one batch.
/// </summary>
/// <remarks>
/// <para>The contract every store keeps (the batch runner relies on each point):</para>
/// <list type="bullet">
/// <item><description><b>Durable before the POST.</b> <see cref="BatchStoreSession.BeginSubmitAsync"/> returns only once the
/// item's <see cref="BatchJournalEvent.Submitting"/> record (with its credit reservation) would survive a crash of this
/// process; if it cannot be made durable it throws, and the runner sends nothing.</description></item>
/// <item><description><b>One owner per item.</b> A claim gives one session the item until that session records a final
/// event or dies, and a session does not offer a key again while the runner still has it in hand (the runner ignores
/// such a repeat, since a second copy of an item would post it again, and hands it back through
/// <see cref="BatchStoreSession.ReleaseClaimAsync"/> once its copy ends); a store shared by several processes hands a dead owner's <see cref="BatchJournalEvent.Submitted"/>
/// items to another session as <see cref="BatchClaimKind.Resume"/> (polled by id, never posted again) and turns its
/// <see cref="BatchJournalEvent.Submitting"/> items into <see cref="BatchJournalEvent.Unknown"/>. A claim the runner cannot
/// work on (an item this session did not enqueue) comes back through <see cref="BatchStoreSession.ReleaseClaimAsync"/>: the
/// store offers it to other sessions only, and does not keep this session from draining.</description></item>
/// <item><description><b>A key is bound to its request.</b> Enqueuing a key whose recorded fingerprint differs is an
/// <see cref="ArgumentException"/> that names the key.</description></item>
/// <item><description><b>Replay.</b> A key that an earlier run left refused or never sent is offered again as
/// <see cref="BatchClaimKind.Submit"/>; an unknown key only with <see cref="BatchRunSettings.ResubmitUnknown"/>; a
/// finished key is never submitted again. A store owned by one process at a time (the file journal) returns each
/// finished or unknown key the caller enqueues as <see cref="BatchClaimKind.Report"/> with its last record, so a rerun
/// yields every item. A store shared by several workers (the PostgreSQL store) leaves finished keys out of its
/// claims, because the worker that finished a key reported it then and a fleet must not report it once per worker;
/// <see cref="GetStatusAsync"/> accounts for them.</description></item>
/// <item><description><b>One budget.</b> With <see cref="BatchRunSettings.CreditBudget"/>, the credits reserved by
/// submitting items plus those spent by finished and unknown items never exceed it, whatever the interleaving.</description></item>
/// </list>
/// <para>A store is an abstract class rather than an interface so members can be added without breaking
/// implementations on .NET Standard 2.0, which has no default interface methods.</para>
/// </remarks>
public abstract class BatchStore
{
    /// <summary>Opens this process's part in the batch: takes ownership (a lock or a lease) and reads what earlier runs recorded.</summary>
    /// <param name="settings">The run's budget and replay rules.</param>
    /// <param name="cancellationToken">Stops the opening.</param>
    /// <returns>The session; dispose it to release ownership.</returns>
    /// <exception cref="IOException">The store cannot be opened or is held by another run that may not share it.</exception>
    public abstract ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken);

    /// <summary>Reports what the store knows of the batch: counts per state, credits reserved and spent, and the unknown keys.</summary>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <returns>The batch's status.</returns>
    public abstract ValueTask<BatchStatus> GetStatusAsync(CancellationToken cancellationToken);
}
