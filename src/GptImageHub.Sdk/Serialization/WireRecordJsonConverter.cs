using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// Reads a public record through its wire class (WireRecords.cs): the generated reader
/// fills the wire class, which becomes the record. Every public record the context knows is read
/// this way, at the top of an answer and nested in one.
/// </summary>
/// <remarks>
/// Each record is read in a serializer state of its own, so System.Text.Json never nests its frames:
/// a nested read in one state allocates its frame stack (<c>ReadStackFrame[]</c>, 447 B of a
/// generation answer when the records were read nested, measured with <c>alloc GetGeneration_Sdk</c>:
/// 18 % of the call's 2,480 B; see docs/benchmarks.md, shape A), and this keeps every read one level deep.
/// Writing goes the same way back, through the wire class and its generated writer: the SDK never sends
/// these records, but the batch journal keeps a generation in the API's own shape (<c>JournalGenerationJsonConverter</c>).
/// </remarks>
internal sealed class WireRecordJsonConverter<TWire, TRecord> : JsonConverter<TRecord>
    where TWire : class, IWireRecord<TRecord>, new()
{
    private JsonTypeInfo<TWire>? _wire;

    public override TRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var wire = Wire(options);

        // The generated converter's own Read, as System.Text.Json bridges to it: it reads in place,
        // where JsonSerializer.Deserialize(ref reader) would first skip over the value to measure it.
        // Null never reaches here (HandleNull is false), so it returns an object or throws.
        return ((JsonConverter<TWire>)wire.Converter).Read(ref reader, typeof(TWire), options)!.ToRecord();
    }

    public override void Write(Utf8JsonWriter writer, TRecord value, JsonSerializerOptions options)
    {
        var wire = new TWire();
        wire.From(value);
        JsonSerializer.Serialize(writer, wire, Wire(options));
    }

    private JsonTypeInfo<TWire> Wire(JsonSerializerOptions options)
    {
        var wire = _wire;
        if (wire is null || !ReferenceEquals(wire.Options, options))
        {
            _wire = wire = (JsonTypeInfo<TWire>)options.GetTypeInfo(typeof(TWire));
        }

        return wire;
    }
}
