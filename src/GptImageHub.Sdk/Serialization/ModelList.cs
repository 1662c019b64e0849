using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The <c>/models</c> answer in every shape the service has used: documented as an object that wraps
/// the list in <c>data</c>; an older one wrapped it in <c>models</c>, and a bare array is read too.
/// </summary>
[JsonConverter(typeof(ModelListJsonConverter))]
internal sealed record ModelList(IReadOnlyList<ImageModel> Models);

/// <summary>
/// The object shapes of the <c>/models</c> answer, read by the generated reader, so that their names are
/// the properties' own: the list under <c>data</c>, or else under <c>models</c>. A wrapper that is not
/// an array is passed over, as any field the SDK does not read.
/// </summary>
internal sealed class ModelListWire
{
    [JsonConverter(typeof(ModelArrayJsonConverter))]
    public IReadOnlyList<ImageModel>? Data { get; set; }

    [JsonConverter(typeof(ModelArrayJsonConverter))]
    public IReadOnlyList<ImageModel>? Models { get; set; }
}

/// <summary>The <c>/models</c> answer: a bare array, or the generated reader of its object shapes.</summary>
internal sealed class ModelListJsonConverter : JsonConverter<ModelList>
{
    public override ModelList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return new ModelList(ModelArrayJsonConverter.ReadArray(ref reader, options));
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected an array or an object of models but found {reader.TokenType}.");
        }

        var wire = ((JsonConverter<ModelListWire>)options.GetTypeInfo(typeof(ModelListWire)).Converter).Read(ref reader, typeof(ModelListWire), options)!;
        return new ModelList(wire.Data ?? wire.Models ?? throw new JsonException("The models object has no 'data' or 'models' array."));
    }

    public override void Write(Utf8JsonWriter writer, ModelList value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The model list is read from answers only; the SDK never writes it.");
}

/// <summary>A list of models, each through its wire class; a wrapper that holds no array reads as none.</summary>
internal sealed class ModelArrayJsonConverter : JsonConverter<IReadOnlyList<ImageModel>?>
{
    public override IReadOnlyList<ImageModel>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        return ReadArray(ref reader, options);
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ImageModel>? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The model list is read from answers only; the SDK never writes it.");

    /// <summary>Each model through the context's converter for <see cref="ImageModel"/>, one read per model; a null entry is refused.</summary>
    public static List<ImageModel> ReadArray(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        var model = (JsonConverter<ImageModel>)options.GetTypeInfo(typeof(ImageModel)).Converter;
        var models = new List<ImageModel>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            models.Add(reader.TokenType == JsonTokenType.Null
                ? throw new JsonException("A model entry is null.")
                : model.Read(ref reader, typeof(ImageModel), options)!);
        }

        return models;
    }
}
