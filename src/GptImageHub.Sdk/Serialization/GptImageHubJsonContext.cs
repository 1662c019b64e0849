using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The one place the wire format is configured: snake_case names, numbers read from strings too,
/// and a source-generated reader for every type the SDK receives (no reflection). The public records
/// are read through their wire classes (WireRecords.cs), which the generated readers fill.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters =
    [
        typeof(WireRecordJsonConverter<ImageGenerationWire, ImageGeneration>),
        typeof(WireRecordJsonConverter<GeneratedImageWire, GeneratedImage>),
        typeof(WireRecordJsonConverter<GenerationUsageWire, GenerationUsage>),
        typeof(WireRecordJsonConverter<CreditBalanceWire, CreditBalance>),
        typeof(WireRecordJsonConverter<ImageModelWire, ImageModel>),
    ])]
[JsonSerializable(typeof(ImageGeneration))]
[JsonSerializable(typeof(GeneratedImage))]
[JsonSerializable(typeof(GenerationUsage))]
[JsonSerializable(typeof(CreditBalance))]
[JsonSerializable(typeof(CreditsResponse))]
[JsonSerializable(typeof(ImageModel))]
[JsonSerializable(typeof(ImageGenerationWire))]
[JsonSerializable(typeof(GeneratedImageWire))]
[JsonSerializable(typeof(GenerationUsageWire))]
[JsonSerializable(typeof(CreditBalanceWire))]
[JsonSerializable(typeof(ImageModelWire))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelListWire))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class GptImageHubJsonContext : JsonSerializerContext
{
}
