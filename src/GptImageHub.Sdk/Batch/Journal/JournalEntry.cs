using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// One line of a batch journal (format version 1). An item goes <c>submitting</c> (flushed before
/// the POST, with the fingerprint of its request and the credits it reserves), then
/// <c>submitted</c> with the generation id, <c>not_sent</c>, <c>rejected</c> (refused by the
/// service: nothing charged) or <c>unknown</c> (possibly charged); then <c>succeeded</c> (with the
/// generation) or <c>failed</c>.
/// </summary>
internal sealed record JournalEntry
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")]
    public int Version { get; init; } = CurrentVersion;

    public required BatchJournalEvent Event { get; init; }

    public required string Key { get; init; }

    [JsonPropertyName("fp")]
    public string? Fingerprint { get; init; }

    public string? GenerationId { get; init; }

    public long? Credits { get; init; }

    public string? Error { get; init; }

    public string? Message { get; init; }

    [JsonConverter(typeof(JournalGenerationJsonConverter))]
    public ImageGeneration? Generation { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>
/// A generation in the API's own shape, written and read back by the API's wire classes (WireRecords.cs),
/// so that the journal names no field of its own and reads what an answer would.
/// </summary>
internal sealed class JournalGenerationJsonConverter : JsonConverter<ImageGeneration>
{
    public override ImageGeneration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, GptImageHubJsonContext.Default.ImageGeneration)
        ?? throw new JsonException("A journal line holds a null generation.");

    public override void Write(Utf8JsonWriter writer, ImageGeneration value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, GptImageHubJsonContext.Default.ImageGeneration);
}

/// <summary>The journal's event names: each written once, here. <c>rejected</c> is the name version 1 gave refusals.</summary>
internal sealed class JournalEventConverter : JsonConverter<BatchJournalEvent>
{
    public override BatchJournalEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString() switch
    {
        "submitting" => BatchJournalEvent.Submitting,
        "submitted" => BatchJournalEvent.Submitted,
        "not_sent" => BatchJournalEvent.NotSent,
        "rejected" => BatchJournalEvent.Refused,
        "unknown" => BatchJournalEvent.Unknown,
        "succeeded" => BatchJournalEvent.Succeeded,
        "failed" => BatchJournalEvent.Failed,
        var other => throw new JsonException($"Unknown journal event '{other}'."),
    };

    public override void Write(Utf8JsonWriter writer, BatchJournalEvent value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));

    public static string Name(BatchJournalEvent value) => value switch
    {
        BatchJournalEvent.Submitting => "submitting",
        BatchJournalEvent.Submitted => "submitted",
        BatchJournalEvent.NotSent => "not_sent",
        BatchJournalEvent.Refused => "rejected",
        BatchJournalEvent.Unknown => "unknown",
        BatchJournalEvent.Succeeded => "succeeded",
        BatchJournalEvent.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };
}

/// <summary>The journal's wire format, source-generated like the rest of the SDK's JSON.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(JournalEventConverter)])]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class BatchJournalJsonContext : JsonSerializerContext
{
}
