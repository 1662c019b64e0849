using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>What a generation costs: the credits charged, and while it is queued, the credits it holds.</summary>
public sealed record GenerationUsage
{
    /// <summary>The credits charged for the delivered images.</summary>
    public int Credits { get; init; }

    /// <summary>The credits reserved for an asynchronous job that has not finished.</summary>
    public int? CreditsRequested { get; init; }

    /// <summary>Fields the service sent that this version of the SDK does not model.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonExtensionDataDefaults.Empty;

    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
