using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MeaiImageGenerationRequest = Microsoft.Extensions.AI.ImageGenerationRequest;
using SdkImageGenerationRequest = GptImageHub.Sdk.ImageGenerationRequest;

namespace GptImageHub.Sdk.Extensions.AI;

/// <summary>
/// Builds the SDK's request from a Microsoft.Extensions.AI request and options. A request returned by
/// <see cref="ImageGenerationOptions.RawRepresentationFactory"/> is the base: what it sets wins, and
/// the options fill in only what it leaves unset. The caller's base request is never modified.
/// </summary>
internal static class ImageRequestMapper
{
    /// <summary>The SDK's own limits on <c>n</c>.</summary>
    private const int MinCount = 1;
    private const int MaxCount = 4;

    /// <summary>The only media type the service produces.</summary>
    private const string PngMediaType = "image/png";

    private const string QualityField = "quality";
    private const string AspectRatioField = "aspect_ratio";

    /// <summary>Wire fields that have a typed counterpart in <see cref="ImageGenerationOptions"/> or the request itself.</summary>
    private static readonly Dictionary<string, string> TypedFields = new(StringComparer.Ordinal)
    {
        ["model"] = nameof(ImageGenerationOptions.ModelId),
        ["prompt"] = nameof(MeaiImageGenerationRequest.Prompt),
        ["size"] = nameof(ImageGenerationOptions.ImageSize),
        ["n"] = nameof(ImageGenerationOptions.Count),
        ["async"] = "GptImageHubClientOptions.GenerationMode",
        ["reference_image"] = nameof(MeaiImageGenerationRequest.OriginalImages),
    };

    public static SdkImageGenerationRequest ToSdkRequest(
        MeaiImageGenerationRequest request, ImageGenerationOptions? options, IImageGenerator generator, string? defaultModelId)
    {
        ThrowIfUnsupportedMediaType(options?.MediaType);
        var baseRequest = options?.RawRepresentationFactory?.Invoke(generator) as SdkImageGenerationRequest;

        var prompt = !string.IsNullOrWhiteSpace(request.Prompt) ? request.Prompt! : baseRequest?.Prompt;
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new ArgumentException("The request's Prompt must not be empty.", nameof(request));
        }

        var model = FirstNonBlank(baseRequest?.Model, options?.ModelId, defaultModelId)
            ?? throw new InvalidOperationException(
                "No model id: set ImageGenerationOptions.ModelId, or pass a default model id to AsIImageGenerator.");

        var referenceImages = new List<ReferenceImage>(baseRequest?.ReferenceImages ?? []);
        referenceImages.AddRange(ToReferenceImages(request.OriginalImages));

        var additional = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (baseRequest?.AdditionalProperties is { } baseAdditional)
        {
            foreach (var pair in baseAdditional)
            {
                additional[pair.Key] = pair.Value;
            }
        }

        ImageQuality? quality = null;
        string? aspectRatio = null;
        if (options?.AdditionalProperties is { } extra)
        {
            foreach (var pair in extra)
            {
                if (pair.Key == QualityField)
                {
                    quality = ToQuality(pair.Value, nameof(options));
                }
                else if (pair.Key == AspectRatioField)
                {
                    aspectRatio = ToText(pair.Key, pair.Value, nameof(options));
                }
                else if (TypedFields.TryGetValue(pair.Key, out var property))
                {
                    throw new ArgumentException(
                        $"ImageGenerationOptions.AdditionalProperties may not contain '{pair.Key}': use {property} instead.", nameof(options));
                }
                else if (!additional.ContainsKey(pair.Key))
                {
                    additional[pair.Key] = ToJson(pair.Key, pair.Value, nameof(options));
                }
            }
        }

        return (baseRequest ?? new SdkImageGenerationRequest { Model = model, Prompt = prompt! }) with
        {
            Model = model,
            Prompt = prompt!,
            N = baseRequest?.N ?? ToCount(options?.Count, nameof(options)),
            Size = baseRequest?.Size ?? ToSize(options?.ImageSize, nameof(options)),
            Quality = baseRequest?.Quality ?? quality,
            AspectRatio = baseRequest?.AspectRatio ?? aspectRatio,
            ReferenceImages = referenceImages,
            AdditionalProperties = additional,
        };
    }

    /// <summary>
    /// The service always draws PNGs and has no output-format field, so another media type is refused
    /// before any credit is spent rather than answered with bytes of a different format.
    /// </summary>
    private static void ThrowIfUnsupportedMediaType(string? mediaType)
    {
        if (mediaType is not null && !string.Equals(mediaType.Trim(), PngMediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"GPT Image Hub produces PNG images only; ImageGenerationOptions.MediaType '{mediaType}' is not supported. Leave it null or set '{PngMediaType}'.");
        }
    }

    private static int? ToCount(int? count, string paramName)
    {
        if (count is { } n && n is < MinCount or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(
                paramName, n, string.Format(CultureInfo.InvariantCulture, "ImageGenerationOptions.Count must be between {0} and {1}.", MinCount, MaxCount));
        }

        return count;
    }

    private static ImageSize? ToSize(System.Drawing.Size? size, string paramName)
    {
        if (size is not { } value)
        {
            return null;
        }

        if (value.Width <= 0 || value.Height <= 0)
        {
            throw new ArgumentOutOfRangeException(
                paramName, string.Format(CultureInfo.InvariantCulture, "ImageGenerationOptions.ImageSize must be positive in both dimensions but is {0}x{1}.", value.Width, value.Height));
        }

        return ImageSize.Create(value.Width, value.Height);
    }

    /// <summary>
    /// Turns the original images of an edit into reference images. Only bytes can be uploaded: the SDK
    /// has no way to send a URL, and downloading one here would bypass its limits.
    /// </summary>
    private static IEnumerable<ReferenceImage> ToReferenceImages(IEnumerable<AIContent>? originalImages)
    {
        if (originalImages is null)
        {
            yield break;
        }

        var index = 0;
        foreach (var content in originalImages)
        {
            index++;
            if (content is not DataContent data)
            {
                throw new NotSupportedException(
                    $"Original image {index} is a {content?.GetType().Name ?? "null"}; only DataContent (the image's bytes) can be sent as a reference image.");
            }

            var fileName = string.IsNullOrWhiteSpace(data.Name)
                ? "reference-" + index.ToString(CultureInfo.InvariantCulture) + ImageMediaTypes.ExtensionFor(data.MediaType)
                : data.Name!;

            // The SDK recognises the format by the first bytes; a caller's label is not trusted over them.
            yield return ReferenceImage.FromBytes(data.Data, fileName);
        }
    }

    private static ImageQuality ToQuality(object? value, string paramName) => value switch
    {
        ImageQuality quality => quality,
        _ => new ImageQuality(ToText(QualityField, value, paramName)),
    };

    private static string ToText(string key, object? value, string paramName)
    {
        var text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            JsonValue node when node.TryGetValue<string>(out var s) => s,
            _ => null,
        };

        return string.IsNullOrWhiteSpace(text)
            ? throw new ArgumentException($"ImageGenerationOptions.AdditionalProperties['{key}'] must be a non-empty string.", paramName)
            : text!;
    }

    /// <summary>
    /// Converts a value to JSON without reflection, so the adapter stays trimmable: JSON values and
    /// the primitive types pass; anything else must be given as a <see cref="JsonNode"/>.
    /// </summary>
    private static JsonNode? ToJson(string key, object? value, string paramName) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        // Cloned: the caller may dispose the element's JsonDocument while the request is still being sent.
        JsonElement element => element.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(element.Clone()),
            JsonValueKind.Array => JsonArray.Create(element.Clone()),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => JsonValue.Create(element.Clone()),
        },
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        _ => throw new ArgumentException(
            $"ImageGenerationOptions.AdditionalProperties['{key}'] is a {value.GetType().Name}; pass a string, a number, a bool, a JsonElement or a JsonNode.", paramName),
    };

    private static string? FirstNonBlank(string? first, string? second, string? third) =>
        !string.IsNullOrWhiteSpace(first) ? first
        : !string.IsNullOrWhiteSpace(second) ? second
        : !string.IsNullOrWhiteSpace(third) ? third
        : null;
}
