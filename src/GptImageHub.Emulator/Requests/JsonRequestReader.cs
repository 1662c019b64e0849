using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Requests;

/// <summary>
/// Reads a JSON generation request. Types are checked strictly (a string <c>n</c> or a numeric
/// <c>async</c> is refused) so that an SDK that sends the wrong shape finds out here, not in production.
/// </summary>
internal static class JsonRequestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static async Task<RawGenerationRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var raw = new RawGenerationRequest { IsMultipart = false };
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            raw.Reject("Invalid request body");
            return raw;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                raw.Reject("Invalid request body");
                return raw;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                Read(raw, property);
            }
        }

        return raw;
    }

    private static void Read(RawGenerationRequest raw, JsonProperty property)
    {
        var value = property.Value;
        switch (property.Name)
        {
            case "model":
                raw.Model = ReadString(raw, property);
                break;
            case "prompt":
                raw.Prompt = ReadString(raw, property);
                break;
            case "size":
                raw.Size = ReadString(raw, property);
                break;
            case "quality":
                raw.Quality = ReadString(raw, property);
                break;
            case "aspect_ratio":
                raw.AspectRatio = ReadString(raw, property);
                break;
            case "n":
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
                {
                    raw.N = n;
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    raw.Reject("n must be an integer between 1 and 4");
                }

                break;
            case "async":
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    raw.Async = value.GetBoolean();
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    raw.Reject("async must be a boolean");
                }

                break;
            case "reference_image":
                raw.Reject("reference_image must be sent as a multipart/form-data file part");
                break;
            default:
                // Unknown fields are ignored, as a service that is still adding fields has to.
                break;
        }
    }

    private static string? ReadString(RawGenerationRequest raw, JsonProperty property)
    {
        switch (property.Value.ValueKind)
        {
            case JsonValueKind.String:
                return property.Value.GetString();
            case JsonValueKind.Null:
                return null;
            default:
                raw.Reject($"{property.Name} must be a string");
                return null;
        }
    }
}
