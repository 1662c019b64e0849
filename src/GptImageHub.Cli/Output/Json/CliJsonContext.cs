using System.Text.Json.Serialization;

namespace GptImageHub.Cli.Output.Json;

/// <summary>
/// The <c>--json</c> output: snake_case, every property always present (null when unknown) so
/// scripts can rely on the shape, one compact document per run followed by a newline.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ModelListJson))]
[JsonSerializable(typeof(CreditsJson))]
[JsonSerializable(typeof(GenerationJson))]
[JsonSerializable(typeof(EmulatorJson))]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(BatchItemJson))]
[JsonSerializable(typeof(BatchSummaryJson))]
[JsonSerializable(typeof(BatchStatusJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
