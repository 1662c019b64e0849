using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>One saved image of a generation. Its URL points at the service's CDN, not at the API host.</summary>
public sealed record GeneratedImage
{
    /// <summary>The image id.</summary>
    public required string Id { get; init; }

    /// <summary>Where the image can be downloaded; <see cref="IGptImageHubClient.DownloadImageAsync"/> streams it without sending the API key.</summary>
    public required Uri Url { get; init; }

    /// <summary>When the image was saved, when the service says.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Fields the service sent that this version of the SDK does not model.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonExtensionDataDefaults.Empty;

    /// <summary>The answer's <c>object</c> name, kept to be written back as it came.</summary>
    internal string? ObjectType { get; init; }

    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
