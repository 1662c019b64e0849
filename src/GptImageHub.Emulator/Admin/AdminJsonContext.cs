using System.Text.Json.Serialization;
using GptImageHub.Emulator.Json;

namespace GptImageHub.Emulator.Admin;

/// <summary>
/// The admin API's JSON: snake_case like the service, nulls written (a reader sees every field), and
/// unknown request fields refused. Source-generated, so the emulator stays trimmable.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 8)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(CreatedKeyWire))]
[JsonSerializable(typeof(ListWire<AccountWire>))]
[JsonSerializable(typeof(ListWire<LedgerEntryWire>))]
[JsonSerializable(typeof(ListWire<GenerationSummaryWire>))]
[JsonSerializable(typeof(ListWire<RequestWire>))]
[JsonSerializable(typeof(FaultsWire))]
[JsonSerializable(typeof(StateWire))]
[JsonSerializable(typeof(ErrorEnvelopeWire))]
internal sealed partial class AdminJsonContext : JsonSerializerContext
{
}
