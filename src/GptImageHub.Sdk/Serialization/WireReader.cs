using System.Globalization;
using System.Text.Json;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// Reads single values the way the source-generated readers do with the context's options
/// (numbers also from strings, strict ISO 8601 dates, <see cref="Uri"/> relative or absolute), and
/// fails only with <see cref="JsonException"/>, which the deserializer turns into
/// <see cref="InvalidResponseException"/>. Used by the hand-written record readers.
/// </summary>
internal static class WireReader
{
    public static void ExpectStartObject(ref Utf8JsonReader reader, Type type)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected an object for {type.Name} but found {reader.TokenType}.");
        }
    }

    /// <summary>Moves to the next property name; false at the end of the object.</summary>
    public static bool NextProperty(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The JSON ends inside an object.");
        }

        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Moves from a property name to its value.</summary>
    public static void Value(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The JSON ends before a property's value.");
        }
    }

    public static string? String(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string but found {reader.TokenType}."),
    };

    public static int Int32(ref Utf8JsonReader reader) =>
        NullableInt32(ref reader) ?? throw new JsonException("Expected a number but found null.");

    public static int? NullableInt32(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt32(out var value):
                return value;
            case JsonTokenType.String when int.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value):
                return value;
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"Expected a 32-bit integer but found {reader.TokenType}.");
        }
    }

    public static long Int64(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var value):
                return value;
            case JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value):
                return value;
            default:
                throw new JsonException($"Expected a 64-bit integer but found {reader.TokenType}.");
        }
    }

    public static DateTimeOffset? DateTimeOffset(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String when reader.TryGetDateTimeOffset(out var value) => value,
        _ => throw new JsonException($"Expected an ISO 8601 timestamp but found {reader.TokenType}."),
    };

    public static Uri? Uri(ref Utf8JsonReader reader)
    {
        var text = String(ref reader);
        if (text is null)
        {
            return null;
        }

        return System.Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri)
            ? uri
            : throw new JsonException("Expected a URI.");
    }

    /// <summary>
    /// Keeps a field this SDK does not model, as the <c>[JsonExtensionData]</c> readers do, except
    /// <c>additional_properties</c>: the name of the records' ignored property, which the generated
    /// readers skip.
    /// </summary>
    public static void Extension(ref Utf8JsonReader reader, ref Dictionary<string, JsonElement>? extension)
    {
        if (reader.ValueTextEquals("additional_properties"u8))
        {
            Value(ref reader);
            reader.Skip();
            return;
        }

        var name = reader.GetString()!;
        Value(ref reader);
        (extension ??= new Dictionary<string, JsonElement>())[name] = JsonElement.ParseValue(ref reader);
    }

    public static JsonException MissingRequired(Type type, string property) =>
        new($"JSON deserialization for type '{type.FullName}' was missing required properties including: '{property}'.");
}
