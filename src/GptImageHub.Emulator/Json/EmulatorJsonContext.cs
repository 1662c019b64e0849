using System.Text.Json.Serialization;

namespace GptImageHub.Emulator.Json;

/// <summary>
/// The emulator's wire format: snake_case names, nulls left out unless a property says otherwise,
/// and source-generated writers so that no reflection is needed.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelListWire))]
[JsonSerializable(typeof(BalanceWire))]
[JsonSerializable(typeof(GenerationWire))]
[JsonSerializable(typeof(ErrorEnvelopeWire))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext
{
}
