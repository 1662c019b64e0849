using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace GptImageHub.Sdk;

/// <summary>
/// What to generate. Without reference images it is sent as JSON; with them, as
/// <c>multipart/form-data</c>. Either quality style works: OpenAI's (<see cref="Size"/> and
/// <see cref="ImageQuality.High"/>) or the tiered one (<see cref="AspectRatio"/> and
/// <see cref="ImageQuality.Tier2K"/>).
/// </summary>
public sealed record ImageGenerationRequest
{
    /// <summary>Creates an empty request; set <see cref="Model"/> and <see cref="Prompt"/>.</summary>
    public ImageGenerationRequest()
    {
    }

    /// <summary>Creates a request for a model and a prompt.</summary>
    /// <param name="model">A model id from <see cref="IGptImageHubClient.GetModelsAsync"/>, such as <c>gpt-image-2</c>.</param>
    /// <param name="prompt">What to draw.</param>
    [SetsRequiredMembers]
    public ImageGenerationRequest(string model, string prompt)
    {
        Model = model;
        Prompt = prompt;
    }

    /// <summary>The model id, such as <c>gpt-image-2</c>. Required.</summary>
    public required string Model { get; init; }

    /// <summary>What to draw. Required.</summary>
    public required string Prompt { get; init; }

    /// <summary>The OpenAI-compatible output size, such as <see cref="ImageSize.Square1024"/>; omitted when null.</summary>
    public ImageSize? Size { get; init; }

    /// <summary>The quality or resolution tier; omitted when null.</summary>
    public ImageQuality? Quality { get; init; }

    /// <summary>The aspect ratio in the tiered style, such as <c>16:9</c>; omitted when null.</summary>
    public string? AspectRatio { get; init; }

    /// <summary>How many images to make, 1 to 4; omitted when null (the service makes one).</summary>
    public int? N { get; init; }

    /// <summary>Reference images, sent as repeated <c>reference_image</c> parts; at most the model's limit.</summary>
    public IList<ReferenceImage> ReferenceImages { get; init; } = [];

    /// <summary>
    /// Fields the SDK does not model yet, sent as they are (in JSON, or as text parts in multipart).
    /// Names the request already sends (<c>model</c>, <c>prompt</c>, <c>size</c>, ...) are refused.
    /// </summary>
    public IDictionary<string, JsonNode?> AdditionalProperties { get; init; } = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
}
