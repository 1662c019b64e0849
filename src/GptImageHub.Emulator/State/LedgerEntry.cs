namespace GptImageHub.Emulator;

/// <summary>One change to a user's balance, so a test can prove what a request cost and that refunds happened.</summary>
/// <param name="Kind">Why the balance changed.</param>
/// <param name="UserId">The user whose balance changed.</param>
/// <param name="Credits">The credits moved; always positive, the kind gives the direction.</param>
/// <param name="BalanceAfter">The user's balance after the change.</param>
/// <param name="GenerationId">The generation charged or refunded; null for a grant.</param>
/// <param name="At">When the change happened, by the emulator's time provider.</param>
public sealed record LedgerEntry(
    LedgerEntryKind Kind,
    string UserId,
    long Credits,
    long BalanceAfter,
    string? GenerationId,
    DateTimeOffset At);
