namespace GptImageHub.Emulator.Admin;

// The admin API's JSON objects (snake_case on the wire, see AdminJsonContext). Requests reject unknown
// fields, so a misspelt option is an error rather than a silently ignored one.

/// <summary>The body of <c>POST /_emulator/v1/keys</c>.</summary>
internal sealed record CreateKeyRequest(long? Credits, string? AccountType, DateTimeOffset? ExpiresAt);

/// <summary>The body of <c>POST /_emulator/v1/faults</c>: a kind and the arguments of the matching <see cref="EmulatorFaults"/> method.</summary>
internal sealed record FaultRequest(
    string? Kind,
    int? Status,
    string? ErrorCode,
    string? Message,
    int? Count,
    string? Endpoint,
    double? RetryAfterSeconds,
    bool? AfterProcessing,
    string? Body,
    string? ContentType,
    double? DelayMs,
    int? ImagesDelivered);

/// <summary>A key just created: the only time the key itself is shown.</summary>
internal sealed record CreatedKeyWire(string ApiKey, string UserId, long Credits, string AccountType, string? ExpiresAt);

/// <summary>A user, their balance and their keys (as hints).</summary>
internal sealed record AccountWire(string UserId, string AccountType, long Credits, IReadOnlyList<KeyWire> Keys);

/// <summary>A key as the admin API shows it: never the key, only its first characters.</summary>
internal sealed record KeyWire(string Hint, bool Revoked, string? ExpiresAt);

/// <summary>One ledger entry.</summary>
internal sealed record LedgerEntryWire(string Kind, string UserId, long Credits, long BalanceAfter, string? GenerationId, string At);

/// <summary>A generation with its status history and images.</summary>
internal sealed record GenerationSummaryWire(
    string Id,
    string UserId,
    string Status,
    string Model,
    string Prompt,
    int N,
    string Quality,
    string AspectRatio,
    bool Async,
    int CreditsRequested,
    int CreditsCharged,
    IReadOnlyList<StatusChangeWire> History,
    IReadOnlyList<AdminImageWire> Images);

/// <summary>One step of a generation's history.</summary>
internal sealed record StatusChangeWire(string Status, string At);

/// <summary>A delivered image and its CDN URL.</summary>
internal sealed record AdminImageWire(string Id, string Url);

/// <summary>One row of the request log.</summary>
internal sealed record RequestWire(
    long Sequence,
    string At,
    string Origin,
    string Method,
    string Path,
    int? Status,
    double LatencyMs,
    string? Fault,
    string? GenerationId,
    bool PossiblyCharged,
    bool Authorized);

/// <summary>A fault waiting for its requests.</summary>
internal sealed record PendingFaultWire(string Description, string? Endpoint, int Remaining);

/// <summary>The faults still waiting.</summary>
internal sealed record FaultsWire(int Pending, IReadOnlyList<PendingFaultWire> Data);

/// <summary>The ledger's totals.</summary>
internal sealed record TotalsWire(long Charged, long Refunded, long Net, int ImagesDelivered, int GenerationRequests);

/// <summary>Everything the dashboard shows, read in one request.</summary>
internal sealed record StateWire(
    string ApiAddress,
    string CdnAddress,
    IReadOnlyList<AccountWire> Accounts,
    IReadOnlyList<GenerationSummaryWire> Generations,
    IReadOnlyList<RequestWire> Requests,
    IReadOnlyList<LedgerEntryWire> Ledger,
    FaultsWire Faults,
    TotalsWire Totals);

/// <summary>A list wrapped in <c>data</c>, as the service wraps its model list.</summary>
internal sealed record ListWire<T>(IReadOnlyList<T> Data);
