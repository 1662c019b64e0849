namespace GptImageHub.Sdk.Batch;

/// <summary>An item as a store sees it: its key and a fingerprint of its request.</summary>
/// <param name="Key">The item's key (valid UTF-16, no NUL: every store keeps it exactly).</param>
/// <param name="Fingerprint">A hash of everything the request sends; a key whose fingerprint changes between runs is refused.</param>
public sealed record BatchStoreItem(string Key, string Fingerprint)
{
    /// <summary>
    /// The reference images the fingerprint names without their bytes (streams that cannot seek),
    /// such as "reference image #1 'photo.png'", or null: a refusal that rests on the fingerprint says so.
    /// </summary>
    internal string? Uncompared { get; init; }
}
