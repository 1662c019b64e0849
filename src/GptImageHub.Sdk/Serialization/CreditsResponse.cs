using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The <c>/credits</c> answer, whose shape the provider does not print: the balance fields at the
/// top level, or a balance object wrapped in <c>balance</c> or <c>data</c>.
/// </summary>
internal sealed record CreditsResponse
{
    public long? Credits { get; init; }

    public string? AccountType { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetJsonConverter))]
    public DateTimeOffset? NextExpiration { get; init; }

    public CreditBalance? Balance { get; init; }

    public CreditBalance? Data { get; init; }

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
