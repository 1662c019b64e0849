using System.Globalization;
using System.Text.Json;

namespace GptImageHub.Sdk.Tests.Models.FormerReaders;

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

    /// <summary>
    /// A string that is likely one of the service's short, repeating values (aspect ratios,
    /// quality tiers, providers, object types) comes from a fixed table instead of a new string:
    /// a model list carries about twenty of them per model. Also reads property names (price tiers).
    /// </summary>
    public static string? KnownString(ref Utf8JsonReader reader)
    {
        var isName = reader.TokenType == JsonTokenType.PropertyName;
        if ((isName || reader.TokenType == JsonTokenType.String) && !reader.ValueIsEscaped && !reader.HasValueSequence
            && reader.ValueSpan.Length <= sizeof(ulong) && FindKnown(Pack(reader.ValueSpan)) is { } known)
        {
            return known;
        }

        return isName ? reader.GetString() : String(ref reader);
    }

    /// <summary>A string array, read into a list of its exact size; null entries are left out.</summary>
    public static List<string>? StringList(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected an array of strings but found {reader.TokenType}.");
        }

        // Gathered first, so the list gets its exact size instead of growing 4, 8, 16.
        var scratch = t_scratch ??= new string?[64];
        var count = 0;
        List<string>? overflow = null;
        while (true)
        {
            Value(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            var value = KnownString(ref reader);
            if (value is null)
            {
                // Since the hostile null-element fix: a null entry is left out (the former reader kept it).
                continue;
            }

            if (count < scratch.Length)
            {
                scratch[count++] = value;
            }
            else
            {
                (overflow ??= []).Add(value!);
            }
        }

        var list = new List<string>(count + (overflow?.Count ?? 0));
        for (var i = 0; i < count; i++)
        {
            list.Add(scratch[i]!);
        }

        Array.Clear(scratch, 0, count);
        if (overflow is not null)
        {
            list.AddRange(overflow);
        }

        return list;
    }

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
    /// Keeps a field this SDK does not model, as the <c>[JsonExtensionData]</c> readers do. The one
    /// change from the SDK's copy: <c>additional_properties</c> (the name of the records' ignored
    /// property) was skipped, as the public records' generated readers skipped it, and is kept now,
    /// as the wire classes keep it: a field the SDK does not model is never dropped, whatever its name.
    /// </summary>
    public static void Extension(ref Utf8JsonReader reader, ref Dictionary<string, JsonElement>? extension)
    {
        var name = reader.GetString()!;
        Value(ref reader);
        (extension ??= new Dictionary<string, JsonElement>())[name] = JsonElement.ParseValue(ref reader);
    }

    [ThreadStatic]
    private static string?[]? t_scratch;

    // An open-addressed table of 64 slots for the 28 values: one multiply and usually one compare
    // per lookup, cheaper than the string it saves.
    private static readonly string[] KnownValues =
    [
        "auto", "1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "5:4", "4:5", "21:9", "9:21", "2:1", "1:2", "3:1", "1:3",
        "1K", "2K", "4K", "low", "medium", "high", "standard", "hd",
        "openai", "gemini", "google", "image",
    ];

    private static readonly (ulong Key, string? Value)[] KnownTable = BuildTable();

    private static (ulong, string?)[] BuildTable()
    {
        var table = new (ulong, string?)[64];
        foreach (var value in KnownValues)
        {
            var key = Pack(System.Text.Encoding.ASCII.GetBytes(value));
            var slot = Slot(key);
            while (table[slot].Item2 is not null)
            {
                slot = (slot + 1) & 63;
            }

            table[slot] = (key, value);
        }

        return table;
    }

    private static string? FindKnown(ulong key)
    {
        for (var slot = Slot(key); KnownTable[slot].Value is { } value; slot = (slot + 1) & 63)
        {
            if (KnownTable[slot].Key == key)
            {
                return value;
            }
        }

        return null;
    }

    private static int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 58);

    private static ulong Pack(ReadOnlySpan<byte> utf8)
    {
        // Unescaped JSON strings never hold a zero byte, so zero padding keeps lengths apart.
        ulong key = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            key |= (ulong)utf8[i] << (8 * i);
        }

        return key;
    }

    public static JsonException MissingRequired(Type type, string property) =>
        new($"JSON deserialization for type '{type.FullName}' was missing required properties including: '{property}'.");
}
