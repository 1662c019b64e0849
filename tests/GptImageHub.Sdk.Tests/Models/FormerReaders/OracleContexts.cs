using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Tests.Models.FormerReaders;

/// <summary>
/// The SDK's former reading context: the public records read by the hand-written converters, and
/// the answer shapes around them (the credits wrapper, the model list) read through those.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(ImageGenerationJsonConverter), typeof(GeneratedImageJsonConverter), typeof(GenerationUsageJsonConverter), typeof(CreditBalanceJsonConverter), typeof(ImageModelJsonConverter), typeof(FormerModelListJsonConverter)])]
[JsonSerializable(typeof(ImageGeneration))]
[JsonSerializable(typeof(GeneratedImage))]
[JsonSerializable(typeof(GenerationUsage))]
[JsonSerializable(typeof(CreditBalance))]
[JsonSerializable(typeof(ImageModel))]
[JsonSerializable(typeof(GptImageHub.Sdk.Serialization.CreditsResponse))]
[JsonSerializable(typeof(GptImageHub.Sdk.Serialization.ModelList))]
internal sealed partial class FormerReaderContext : JsonSerializerContext
{
}
