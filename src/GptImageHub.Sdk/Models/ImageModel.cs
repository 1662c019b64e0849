using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>
/// An image model the service offers, as <c>/api/v1/models</c> lists it. The list is data, not a
/// fixed set: new models appear without an SDK release.
/// </summary>
public sealed record ImageModel
{
    /// <summary>The key <see cref="CreditsPerImage"/> uses when the service gives one price for every tier.</summary>
    public const string AnyTier = "*";

    private readonly IReadOnlyList<string> _aspectRatios = [];
    private readonly IReadOnlyList<string> _qualities = [];
    private readonly IReadOnlyDictionary<string, int> _creditsPerImage = JsonExtensionDataDefaults.EmptyPrices;

    /// <summary>The model id to put in <see cref="ImageGenerationRequest.Model"/>, such as <c>gpt-image-2</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The display name, such as <c>GPT IMAGE 2</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The provider behind the model, such as <c>openai</c> or <c>gemini</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>The aspect ratios the model supports, such as <c>1:1</c> and <c>16:9</c>.</summary>
    public IReadOnlyList<string> AspectRatios { get => _aspectRatios; init => _aspectRatios = value ?? []; }

    /// <summary>The qualities or resolution tiers the model supports, such as <c>1K</c>.</summary>
    public IReadOnlyList<string> Qualities { get => _qualities; init => _qualities = value ?? []; }

    /// <summary>How many reference images one request may carry, when the service says.</summary>
    public int? ReferenceImageLimit { get; init; }

    /// <summary>
    /// Credits per image by tier, such as <c>1K: 8</c>. A single price for every tier is stored
    /// under <see cref="AnyTier"/>. Empty when the service does not say.
    /// </summary>
    public IReadOnlyDictionary<string, int> CreditsPerImage { get => _creditsPerImage; init => _creditsPerImage = value ?? JsonExtensionDataDefaults.EmptyPrices; }

    /// <summary>Fields the service sent that this version of the SDK does not model.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonExtensionDataDefaults.Empty;

    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
