using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The one place the wire format is configured: snake_case names, numbers read from strings too,
/// and a source-generated reader and writer for every type the SDK sends or receives (no reflection),
/// except the generation records, read by the hand-written converters in ModelJsonConverters.cs.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(ImageGenerationJsonConverter), typeof(GeneratedImageJsonConverter), typeof(GenerationUsageJsonConverter), typeof(CreditBalanceJsonConverter), typeof(ImageModelJsonConverter)])]
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

/// <summary>
/// The generated writers for the records that <see cref="GptImageHubJsonContext"/> reads by hand
/// (see ModelJsonConverters.cs), with the same options, so writing them is unchanged.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ImageGeneration))]
[JsonSerializable(typeof(GeneratedImage))]
[JsonSerializable(typeof(GenerationUsage))]
[JsonSerializable(typeof(CreditBalance))]
[JsonSerializable(typeof(ImageModel))]
internal sealed partial class GptImageHubJsonWriterContext : JsonSerializerContext
{
}
