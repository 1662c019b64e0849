using GptImageHub.Sdk.Batch;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A test's hook into a real store: every call goes to <paramref name="inner"/>, and each session it opens is
/// wrapped by <see cref="Wrap"/>, usually in a <see cref="ForwardingBatchSession"/> that overrides the calls hooked.
/// </summary>
internal abstract class ForwardingBatchStore(BatchStore inner) : BatchStore
{
    public override async ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken) =>
        Wrap(await inner.OpenAsync(settings, cancellationToken));

    public override ValueTask<BatchStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);

    /// <summary>The session the runner is given for one the inner store opened.</summary>
    protected abstract BatchStoreSession Wrap(BatchStoreSession session);
}

/// <summary>
/// A session that hands every call to <see cref="Inner"/>, the hand-back included (a store without one, as the file
/// store, still throws its own <see cref="NotSupportedException"/>): a test overrides only the calls it hooks.
/// </summary>
internal abstract class ForwardingBatchSession(BatchStoreSession inner) : BatchStoreSession
{
    protected BatchStoreSession Inner => inner;

    public override ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken) => inner.EnqueueAsync(items, isLastChunk, cancellationToken);

    public override ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken) => inner.ClaimAsync(maxCount, cancellationToken);

    public override ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken) => inner.BeginSubmitAsync(key, credits, cancellationToken);

    public override ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken) => inner.RecordAsync(record, cancellationToken);

    public override ValueTask ReleaseClaimAsync(BatchClaim claim, CancellationToken cancellationToken) => inner.ReleaseClaimAsync(claim, cancellationToken);

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
