using System.Text.Json;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>The credit balance of the API key's owner.</summary>
public sealed record CreditBalance
{
    /// <summary>The credits available now.</summary>
    public required long Credits { get; init; }

    /// <summary>The account type, such as <c>PRO</c>.</summary>
    public string? AccountType { get; init; }

    /// <summary>When the next credits expire; null when none do or the service sends a shape the SDK does not read.</summary>
    public DateTimeOffset? NextExpiration { get; init; }

    /// <summary>Fields the service sent that this version of the SDK does not model.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonExtensionDataDefaults.Empty;

    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
