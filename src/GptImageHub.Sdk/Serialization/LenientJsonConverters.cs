using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// Reads an optional timestamp that the service documents only loosely: an ISO 8601 string is
/// read, anything else (null, a number, an object) reads as null instead of failing the response.
/// </summary>
internal sealed class LenientDateTimeOffsetJsonConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.TryGetDateTimeOffset(out var value))
            {
                return value;
            }

            return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
                ? value
                : null;
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteStringValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// Reads a model's price list: an object of tier to credits (<c>{"1K": 8}</c>), or a single number
/// that applies to every tier and is stored under <see cref="ImageModel.AnyTier"/>. Entries that
/// are not whole numbers are left out rather than guessed, and so are negative ones: a price below
/// nothing would let a credit budget admit items it has no room for.
/// </summary>
internal sealed class CreditsPerImageJsonConverter : JsonConverter<IReadOnlyDictionary<string, int>>
{
    public override bool HandleNull => true;

    public override IReadOnlyDictionary<string, int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt32(out var single) && single >= 0:
                return new Dictionary<string, int>(1, StringComparer.Ordinal) { [ImageModel.AnyTier] = single };
            case JsonTokenType.StartObject:
                var prices = new Dictionary<string, int>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var tier = KnownStringJsonConverter.ReadKnown(ref reader);
                    reader.Read();
                    if (TryReadPrice(ref reader, out var price))
                    {
                        prices[tier] = price;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                return prices;
            default:
                reader.Skip();
                return JsonExtensionDataDefaults.EmptyPrices;
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, int> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var pair in value)
        {
            writer.WriteNumber(pair.Key, pair.Value);
        }

        writer.WriteEndObject();
    }

    private static bool TryReadPrice(ref Utf8JsonReader reader, out int price)
    {
        price = 0;
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt32(out price) && price >= 0,
            JsonTokenType.String => int.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out price),
            _ => false,
        };
    }
}
