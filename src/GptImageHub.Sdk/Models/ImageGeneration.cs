using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>
/// A generation job and, once it has succeeded, its saved images: the <c>image_generation</c>
/// object that the generation endpoints return.
/// </summary>
public sealed record ImageGeneration
{
    private readonly IReadOnlyList<GeneratedImage> _images = [];

    /// <summary>The generation id; pass it to <see cref="IGptImageHubClient.WaitForGenerationAsync"/> to resume a wait.</summary>
    public required string Id { get; init; }

    /// <summary>The job's state. Values the SDK does not know are kept verbatim.</summary>
    public required GenerationStatus Status { get; init; }

    /// <summary>The model id the job runs on.</summary>
    public string? Model { get; init; }

    /// <summary>The aspect ratio the service chose or was asked for, such as <c>1:1</c>.</summary>
    public string? AspectRatio { get; init; }

    /// <summary>The quality or resolution tier the service priced, such as <c>1K</c>.</summary>
    public string? Quality { get; init; }

    /// <summary>When the job was created, when the service says.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The saved images; empty until the job has succeeded.</summary>
    public IReadOnlyList<GeneratedImage> Images { get => _images; init => _images = value ?? []; }

    /// <summary>The credits the job used and, while it runs, the credits it holds.</summary>
    public GenerationUsage? Usage { get; init; }

    /// <summary>The owner's balance after the job, when the service includes it.</summary>
    public CreditBalance? Balance { get; init; }

    /// <summary>The address the service suggests for polling an asynchronous job.</summary>
    public Uri? PollUrl { get; init; }

    /// <summary>Fields the service sent that this version of the SDK does not model.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonExtensionDataDefaults.Empty;

    /// <summary>The answer's <c>object</c> name, kept to be written back as it came.</summary>
    internal string? ObjectType { get; init; }

    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
