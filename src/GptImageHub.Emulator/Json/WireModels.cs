using System.Text.Json.Serialization;

namespace GptImageHub.Emulator.Json;

// Each record mirrors one JSON object of the service. The positional order is the property order on
// the wire, which follows the provider's printed examples.

/// <summary>The <c>/api/v1/models</c> answer: the list wrapped in <c>data</c>.</summary>
internal sealed record ModelListWire(IReadOnlyList<ModelWire> Data);

/// <summary>One model of <c>/api/v1/models</c>.</summary>
internal sealed record ModelWire(
    string Id,
    string Name,
    string Provider,
    IReadOnlyList<string> AspectRatios,
    IReadOnlyList<string> Qualities,
    int ReferenceImageLimit,
    IReadOnlyDictionary<string, int> CreditsPerImage,
    DefaultOptionsWire DefaultOptions);

/// <summary>The options a model uses when a request leaves them out (the provider's "預設選項 auto, 1K").</summary>
internal sealed record DefaultOptionsWire(string AspectRatio, string Quality);

/// <summary>A credit balance: the <c>/api/v1/credits</c> answer and the <c>balance</c> of a generation.</summary>
internal sealed record BalanceWire(
    long Credits,
    string AccountType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextExpiration);

/// <summary>The <c>image_generation</c> object.</summary>
internal sealed record GenerationWire(
    string Object,
    string Id,
    string Status,
    string Model,
    string AspectRatio,
    string Quality,
    string CreatedAt,
    IReadOnlyList<ImageWire> Images,
    UsageWire Usage,
    BalanceWire? Balance,
    string? PollUrl);

/// <summary>One saved image of a generation.</summary>
internal sealed record ImageWire(string Id, string Object, string Url, string CreatedAt);

/// <summary>The credits a generation used and, while it runs, the credits it holds.</summary>
internal sealed record UsageWire(int Credits, int? CreditsRequested);

/// <summary>The documented error body.</summary>
internal sealed record ErrorEnvelopeWire(ErrorWire Error);

/// <summary>The <c>error</c> object of <see cref="ErrorEnvelopeWire"/>.</summary>
internal sealed record ErrorWire(string Message, string Code);
