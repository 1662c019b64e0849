using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>What a generation costs: the credits charged, and while it is queued, the credits it holds.</summary>
public sealed record GenerationUsage
{
    /// <summary>The credits charged for the delivered images (0 when the answer did not say).</summary>
    public int Credits { get; init; }

    /// <summary>
    /// Whether the answer gave no <c>credits</c>, so that <see cref="Credits"/> is 0 by default, not by
    /// the service's word: a credit budget then keeps the price it reserved, rather than counting a paid job free.
    /// </summary>
    internal bool CreditsMissing { get; init; }

    /// <summary>The credits reserved for an asynchronous job that has not finished.</summary>
    public int? CreditsRequested { get; init; }

    /// <summary>Fields the service sent that this version of the SDK does not model.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonExtensionDataDefaults.Empty;

    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
