using System.Text.Json.Serialization;

namespace GptImageHub.Cli.Configuration;

/// <summary>
/// Reads the config file with the casing people type by hand (<c>apiKey</c>, <c>ApiKey</c>) and
/// tolerates comments and trailing commas, unlike the strict snake_case of the <c>--json</c> output.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(UserConfig))]
internal sealed partial class UserConfigJsonContext : JsonSerializerContext;
