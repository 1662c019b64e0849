using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>Reads and writes an extensible enum as its wire string, keeping values the SDK does not know.</summary>
internal abstract class StringValueJsonConverter<T> : JsonConverter<T>
    where T : struct
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string for {typeof(T).Name} but found {reader.TokenType}.");
        }

        return Create(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    protected abstract T Create(string value);
}

internal sealed class GenerationStatusJsonConverter : StringValueJsonConverter<GenerationStatus>
{
    public static readonly GenerationStatusJsonConverter Instance = new();

    protected override GenerationStatus Create(string value) => new(value);
}

internal sealed class ImageQualityJsonConverter : StringValueJsonConverter<ImageQuality>
{
    protected override ImageQuality Create(string value) => new(value);
}

internal sealed class ImageSizeJsonConverter : StringValueJsonConverter<ImageSize>
{
    protected override ImageSize Create(string value) => new(value);
}
