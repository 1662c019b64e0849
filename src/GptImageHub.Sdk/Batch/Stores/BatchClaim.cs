namespace GptImageHub.Sdk.Batch;

/// <summary>A piece of work a <see cref="BatchStoreSession"/> gives to this process.</summary>
/// <param name="Key">The item's key.</param>
/// <param name="Kind">What to do with it.</param>
public sealed record BatchClaim(string Key, BatchClaimKind Kind)
{
    /// <summary>For <see cref="BatchClaimKind.Resume"/>: the generation to poll.</summary>
    public string? GenerationId { get; init; }

    /// <summary>For <see cref="BatchClaimKind.Report"/>: the item's last record. For <see cref="BatchClaimKind.Resume"/>, the credits it reserved.</summary>
    public BatchRecord? Record { get; init; }
}

/// <summary>What a <see cref="BatchClaim"/> asks of the runner.</summary>
public enum BatchClaimKind
{
    /// <summary>Post the item (after <see cref="BatchStoreSession.BeginSubmitAsync"/>).</summary>
    Submit = 1,

    /// <summary>The item was posted and has an id: poll it by id, never post it again.</summary>
    Resume = 2,

    /// <summary>The item finished in an earlier run (or is unknown): report it without any request.</summary>
    Report = 3,
}

/// <summary>The answer to <see cref="BatchStoreSession.ClaimAsync"/>.</summary>
/// <param name="Claims">The work claimed, possibly none.</param>
/// <param name="Drained">True when this session will get no more work: every item it enqueued is claimed or finished.</param>
public sealed record BatchClaims(IReadOnlyList<BatchClaim> Claims, bool Drained);
