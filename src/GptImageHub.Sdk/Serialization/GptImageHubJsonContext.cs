using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The one place the wire format is configured: snake_case names, numbers read from strings too,
/// and a source-generated reader and writer for every type the SDK sends or receives (no reflection).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ImageGeneration))]
[JsonSerializable(typeof(GeneratedImage))]
[JsonSerializable(typeof(GenerationUsage))]
[JsonSerializable(typeof(CreditBalance))]
[JsonSerializable(typeof(CreditsResponse))]
[JsonSerializable(typeof(ImageModel))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class GptImageHubJsonContext : JsonSerializerContext
{
}
