using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// One line of a batch journal. Version 1 events, in the order an item goes through them:
/// <c>submitting</c> (flushed before the POST), then <c>submitted</c> with the generation id, or
/// <c>rejected</c> (the service answered with an error: nothing charged) or <c>unknown</c> (the
/// answer was lost: possibly charged); then <c>succeeded</c> (with the generation) or <c>failed</c>.
/// </summary>
internal sealed record JournalEntry
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")]
    public int Version { get; init; } = CurrentVersion;

    public required string Event { get; init; }

    public required string Key { get; init; }

    public string? GenerationId { get; init; }

    public long? Credits { get; init; }

    public string? Error { get; init; }

    public string? Message { get; init; }

    public ImageGeneration? Generation { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>The journal's event names.</summary>
internal static class JournalEvents
{
    public const string Submitting = "submitting";
    public const string Submitted = "submitted";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>The journal's wire format, source-generated like the rest of the SDK's JSON.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class BatchJournalJsonContext : JsonSerializerContext
{
}
