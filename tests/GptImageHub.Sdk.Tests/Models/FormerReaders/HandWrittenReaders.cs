using System.Text.Json;
using System.Text.Json.Serialization;

using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Models.FormerReaders;

// The SDK's hand-written record readers as they were before the records were read through
// source-generated wire classes (commit 0826a2e, src/GptImageHub.Sdk/Serialization/ModelJsonConverters.cs),
// kept here, unchanged but for names, as the oracle of FormerReaderDifferentialTests. They had been
// checked against the generated readers of the public records on the same mutated answers. Two
// deliberate changes since (issue 17), each marked where it is made: a required field that is null (a
// generation's id: or blank) counts as missing, as it now does in the SDK (NullRequiredFieldTests,
// HostileSubmitIdTests), so a null followed by a duplicate of the same field with a value reads that
// value, as the last of any duplicated field always counted; and a null element of an array (an image,
// an aspect ratio, a quality) is left out, since the public lists promise none (HostileNullElementTests).

internal sealed class ImageGenerationJsonConverter : JsonConverter<ImageGeneration>
{
    public override ImageGeneration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadObject(ref reader, options);

    public override void Write(Utf8JsonWriter writer, ImageGeneration value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, GptImageHubJsonContext.Default.ImageGeneration);

    private static ImageGeneration ReadObject(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        WireReader.ExpectStartObject(ref reader, typeof(ImageGeneration));
        string? id = null;
        GenerationStatus status = default;
        bool hasId = false, hasStatus = false;
        string? model = null, aspectRatio = null, quality = null, objectType = null;
        DateTimeOffset? createdAt = null;
        List<GeneratedImage>? images = null;
        GenerationUsage? usage = null;
        CreditBalance? balance = null;
        Uri? pollUrl = null;
        Dictionary<string, JsonElement>? extension = null;

        while (WireReader.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                WireReader.Value(ref reader);
                id = WireReader.String(ref reader);
                hasId = !string.IsNullOrWhiteSpace(id); // Since issue 17: a null or blank generation id is as missing (the former reader kept it).
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                WireReader.Value(ref reader);
                // Since issue 17: a null status is as missing, so a later duplicate of the field counts (the former reader refused the null at once).
                hasStatus = reader.TokenType != JsonTokenType.Null;
                status = hasStatus ? GenerationStatusJsonConverter.Instance.Read(ref reader, typeof(GenerationStatus), options) : default;
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                WireReader.Value(ref reader);
                objectType = WireReader.KnownString(ref reader);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                WireReader.Value(ref reader);
                model = WireReader.String(ref reader);
            }
            else if (reader.ValueTextEquals("images"u8))
            {
                WireReader.Value(ref reader);
                images = ReadImages(ref reader);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                WireReader.Value(ref reader);
                usage = GenerationUsageJsonConverter.ReadNullable(ref reader);
            }
            else if (reader.ValueTextEquals("aspect_ratio"u8))
            {
                WireReader.Value(ref reader);
                aspectRatio = WireReader.KnownString(ref reader);
            }
            else if (reader.ValueTextEquals("quality"u8))
            {
                WireReader.Value(ref reader);
                quality = WireReader.KnownString(ref reader);
            }
            else if (reader.ValueTextEquals("created_at"u8))
            {
                WireReader.Value(ref reader);
                createdAt = WireReader.DateTimeOffset(ref reader);
            }
            else if (reader.ValueTextEquals("balance"u8))
            {
                WireReader.Value(ref reader);
                balance = CreditBalanceJsonConverter.ReadNullable(ref reader, options);
            }
            else if (reader.ValueTextEquals("poll_url"u8))
            {
                WireReader.Value(ref reader);
                pollUrl = WireReader.Uri(ref reader);
            }
            else
            {
                WireReader.Extension(ref reader, ref extension);
            }
        }

        if (!hasId)
        {
            throw WireReader.MissingRequired(typeof(ImageGeneration), "id");
        }

        if (!hasStatus)
        {
            throw WireReader.MissingRequired(typeof(ImageGeneration), "status");
        }

        return new ImageGeneration
        {
            Id = id!,
            Status = status,
            Model = model,
            AspectRatio = aspectRatio,
            Quality = quality,
            CreatedAt = createdAt,
            Images = images!,
            Usage = usage,
            Balance = balance,
            PollUrl = pollUrl,
            ObjectType = objectType,
            ExtensionData = extension,
        };
    }

    /// <summary>A JSON array of images; null entries are left out.</summary>
    private static List<GeneratedImage>? ReadImages(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected an array of images but found {reader.TokenType}.");
        }

        var images = new List<GeneratedImage>();
        while (true)
        {
            WireReader.Value(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return images;
            }

            // Since the hostile null-element fix: a null image is left out (the former reader kept it).
            if (reader.TokenType != JsonTokenType.Null)
            {
                images.Add(GeneratedImageJsonConverter.ReadObject(ref reader));
            }
        }
    }
}

internal sealed class GeneratedImageJsonConverter : JsonConverter<GeneratedImage>
{
    public override GeneratedImage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadObject(ref reader);

    public override void Write(Utf8JsonWriter writer, GeneratedImage value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, GptImageHubJsonContext.Default.GeneratedImage);

    internal static GeneratedImage ReadObject(ref Utf8JsonReader reader)
    {
        WireReader.ExpectStartObject(ref reader, typeof(GeneratedImage));
        string? id = null, objectType = null;
        Uri? url = null;
        bool hasId = false, hasUrl = false;
        DateTimeOffset? createdAt = null;
        Dictionary<string, JsonElement>? extension = null;

        while (WireReader.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                WireReader.Value(ref reader);
                id = WireReader.String(ref reader);
                hasId = id is not null; // Since issue 17: a null id is as missing (the former reader kept it, leaving a record with a null Id).
            }
            else if (reader.ValueTextEquals("url"u8))
            {
                WireReader.Value(ref reader);
                url = WireReader.Uri(ref reader);
                hasUrl = url is not null; // Since issue 17, as for the id.
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                WireReader.Value(ref reader);
                objectType = WireReader.KnownString(ref reader);
            }
            else if (reader.ValueTextEquals("created_at"u8))
            {
                WireReader.Value(ref reader);
                createdAt = WireReader.DateTimeOffset(ref reader);
            }
            else
            {
                WireReader.Extension(ref reader, ref extension);
            }
        }

        if (!hasId)
        {
            throw WireReader.MissingRequired(typeof(GeneratedImage), "id");
        }

        if (!hasUrl)
        {
            throw WireReader.MissingRequired(typeof(GeneratedImage), "url");
        }

        return new GeneratedImage
        {
            Id = id!,
            Url = url!,
            CreatedAt = createdAt,
            ObjectType = objectType,
            ExtensionData = extension,
        };
    }
}

internal sealed class GenerationUsageJsonConverter : JsonConverter<GenerationUsage>
{
    public override GenerationUsage? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadNullable(ref reader);

    public override void Write(Utf8JsonWriter writer, GenerationUsage value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, GptImageHubJsonContext.Default.GenerationUsage);

    internal static GenerationUsage? ReadNullable(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        WireReader.ExpectStartObject(ref reader, typeof(GenerationUsage));
        var credits = 0;
        int? creditsRequested = null;
        Dictionary<string, JsonElement>? extension = null;
        while (WireReader.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("credits"u8))
            {
                WireReader.Value(ref reader);
                credits = WireReader.Int32(ref reader);
            }
            else if (reader.ValueTextEquals("credits_requested"u8))
            {
                WireReader.Value(ref reader);
                creditsRequested = WireReader.NullableInt32(ref reader);
            }
            else
            {
                WireReader.Extension(ref reader, ref extension);
            }
        }

        return new GenerationUsage { Credits = credits, CreditsRequested = creditsRequested, ExtensionData = extension };
    }
}

internal sealed class CreditBalanceJsonConverter : JsonConverter<CreditBalance>
{
    private static readonly LenientDateTimeOffsetJsonConverter Expiration = new();

    public override CreditBalance? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadNullable(ref reader, options);

    public override void Write(Utf8JsonWriter writer, CreditBalance value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, GptImageHubJsonContext.Default.CreditBalance);

    internal static CreditBalance? ReadNullable(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        WireReader.ExpectStartObject(ref reader, typeof(CreditBalance));
        long credits = 0;
        var hasCredits = false;
        string? accountType = null;
        DateTimeOffset? nextExpiration = null;
        Dictionary<string, JsonElement>? extension = null;
        while (WireReader.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("credits"u8))
            {
                WireReader.Value(ref reader);
                // Since issue 17, as for a generation's status.
                hasCredits = reader.TokenType != JsonTokenType.Null;
                credits = hasCredits ? WireReader.Int64(ref reader) : 0;
            }
            else if (reader.ValueTextEquals("account_type"u8))
            {
                WireReader.Value(ref reader);
                accountType = WireReader.String(ref reader);
            }
            else if (reader.ValueTextEquals("next_expiration"u8))
            {
                WireReader.Value(ref reader);
                nextExpiration = Expiration.Read(ref reader, typeof(DateTimeOffset?), options);
            }
            else
            {
                WireReader.Extension(ref reader, ref extension);
            }
        }

        if (!hasCredits)
        {
            throw WireReader.MissingRequired(typeof(CreditBalance), "credits");
        }

        return new CreditBalance { Credits = credits, AccountType = accountType, NextExpiration = nextExpiration, ExtensionData = extension };
    }
}

internal sealed class ImageModelJsonConverter : JsonConverter<ImageModel>
{
    private static readonly CreditsPerImageJsonConverter Prices = new();

    public override ImageModel Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadObject(ref reader, options);

    public override void Write(Utf8JsonWriter writer, ImageModel value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, GptImageHubJsonContext.Default.ImageModel);

    internal static ImageModel ReadObject(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        WireReader.ExpectStartObject(ref reader, typeof(ImageModel));
        string? id = null, name = null, provider = null;
        var hasId = false;
        List<string>? aspectRatios = null, qualities = null;
        int? referenceImageLimit = null;
        IReadOnlyDictionary<string, int>? creditsPerImage = null;
        Dictionary<string, JsonElement>? extension = null;
        while (WireReader.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                WireReader.Value(ref reader);
                id = WireReader.String(ref reader);
                hasId = id is not null; // Since issue 17: a null id is as missing (the former reader kept it, leaving a record with a null Id).
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                WireReader.Value(ref reader);
                name = WireReader.String(ref reader);
            }
            else if (reader.ValueTextEquals("provider"u8))
            {
                WireReader.Value(ref reader);
                provider = WireReader.KnownString(ref reader);
            }
            else if (reader.ValueTextEquals("aspect_ratios"u8))
            {
                WireReader.Value(ref reader);
                aspectRatios = WireReader.StringList(ref reader);
            }
            else if (reader.ValueTextEquals("qualities"u8))
            {
                WireReader.Value(ref reader);
                qualities = WireReader.StringList(ref reader);
            }
            else if (reader.ValueTextEquals("reference_image_limit"u8))
            {
                WireReader.Value(ref reader);
                referenceImageLimit = WireReader.NullableInt32(ref reader);
            }
            else if (reader.ValueTextEquals("credits_per_image"u8))
            {
                WireReader.Value(ref reader);
                creditsPerImage = Prices.Read(ref reader, typeof(IReadOnlyDictionary<string, int>), options);
            }
            else
            {
                WireReader.Extension(ref reader, ref extension);
            }
        }

        if (!hasId)
        {
            throw WireReader.MissingRequired(typeof(ImageModel), "id");
        }

        return new ImageModel
        {
            Id = id!,
            Name = name,
            Provider = provider,
            AspectRatios = aspectRatios!,
            Qualities = qualities!,
            ReferenceImageLimit = referenceImageLimit,
            CreditsPerImage = creditsPerImage!,
            ExtensionData = extension,
        };
    }
}

/// <summary>
/// The SDK's former hand-written envelope reader (before the object shapes were read by a generated wire class).
/// Reads the <c>/models</c> answer in every shape the service has used: a bare array, or an object
/// that wraps the array in <c>data</c> or <c>models</c>.
/// </summary>
internal sealed class FormerModelListJsonConverter : JsonConverter<ModelList>
{
    public override ModelList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return new ModelList(ReadArray(ref reader, options));
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected an array or an object of models but found {reader.TokenType}.");
        }

        // Deliberate change (issue 17: the object shapes are read by a generated wire class): each wrapper is
        // read as a field, the last of duplicates counting and a non-array counting as none, and data wins over
        // models. The former reader took the first array of either and never read the other.
        List<ImageModel>? data = null, models = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals("data"u8);
            var isModels = reader.ValueTextEquals("models"u8);
            reader.Read();
            var list = (isData || isModels) && reader.TokenType == JsonTokenType.StartArray ? ReadArray(ref reader, options) : null;
            if (list is null)
            {
                reader.Skip();
            }

            if (isData)
            {
                data = list;
            }
            else if (isModels)
            {
                models = list;
            }
        }

        return new ModelList(data ?? models ?? throw new JsonException("The models object has no 'data' or 'models' array."));
    }

    public override void Write(Utf8JsonWriter writer, ModelList value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The model list is read from answers only; the SDK never writes it.");

    // The entries are read as the SDK reads them (each model through the context's converter for ImageModel): the
    // oracle is of the envelope's shapes, and the models were always read by the SDK's own model reader.
    private static List<ImageModel> ReadArray(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        Sdk.Serialization.ModelArrayJsonConverter.ReadArray(ref reader, options);
}
