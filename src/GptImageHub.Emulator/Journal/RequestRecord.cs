namespace GptImageHub.Emulator.Journal;

/// <summary>One request to the service's paths or the CDN, as the request log shows it.</summary>
/// <param name="Sequence">The request's number, from 1, in the order requests finished.</param>
/// <param name="At">When the request arrived, by the emulator's clock.</param>
/// <param name="Origin"><c>api</c> or <c>cdn</c>: which of the two origins it reached.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query.</param>
/// <param name="Status">The status sent; null when the connection was dropped or the client left.</param>
/// <param name="LatencyMilliseconds">Time from arrival to the end of the answer, by the emulator's clock.</param>
/// <param name="Fault">The injected fault that applied, or null.</param>
/// <param name="GenerationId">The generation the request was charged for, or null.</param>
/// <param name="PossiblyCharged">Charged, yet the client got no success answer: it cannot know it paid.</param>
/// <param name="Authorized">Whether the request carried an <c>Authorization</c> header (never on the CDN, for a correct client).</param>
internal sealed record RequestRecord(
    long Sequence,
    DateTimeOffset At,
    string Origin,
    string Method,
    string Path,
    int? Status,
    double LatencyMilliseconds,
    string? Fault,
    string? GenerationId,
    bool PossiblyCharged,
    bool Authorized);
