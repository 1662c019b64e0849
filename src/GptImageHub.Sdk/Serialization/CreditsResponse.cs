using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The <c>/credits</c> answer, whose shape the provider does not print: the balance fields at the
/// top level, or a balance object wrapped in <c>balance</c> or <c>data</c>.
/// </summary>
/// <remarks>
/// Settable rather than init-only: System.Text.Json reads init-only properties through its
/// constructor path (an argument array, boxed numbers, per-object state), which this internal,
/// never-shared type has no need for.
/// </remarks>
internal sealed record CreditsResponse
{
    public long? Credits { get; set; }

    public string? AccountType { get; set; }

    [JsonConverter(typeof(LenientDateTimeOffsetJsonConverter))]
    public DateTimeOffset? NextExpiration { get; set; }

    public CreditBalance? Balance { get; set; }

    public CreditBalance? Data { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public CreditBalance? ToCreditBalance()
    {
        if (Credits is { } credits)
        {
            return new CreditBalance
            {
                Credits = credits,
                AccountType = AccountType,
                NextExpiration = NextExpiration,
                ExtensionData = ExtensionData,
            };
        }

        return Balance ?? Data;
    }
}
