using GptImageHub.Sdk;

namespace GptImageHub.Cli.Output.Json;

/// <summary><c>gih credits --json</c>: <c>{"credits", "account_type", "next_expiration"}</c>.</summary>
internal sealed record CreditsJson(long Credits, string? AccountType, DateTimeOffset? NextExpiration)
{
    public static CreditsJson From(CreditBalance balance) => new(balance.Credits, balance.AccountType, balance.NextExpiration);
}
