using System.Net;
using System.Text.Json;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorCreditsTests : EmulatorTestBase
{
    [Fact]
    public async Task Credits_returns_balance_account_type_and_a_null_next_expiration()
    {
        var key = Hub.CreateApiKey(credits: 120, accountType: "FREE");

        using var response = await GetAsync("api/v1/credits", key);

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(120, body.GetProperty("credits").GetInt64());
        Assert.Equal("FREE", body.GetProperty("account_type").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next_expiration").ValueKind);
    }

    [Fact]
    public async Task Credits_reflect_charges_and_top_ups()
    {
        await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "one", n = 2 }));
        Hub.Ledger.AddCredits(Key, 5);

        using var response = await GetAsync("api/v1/credits", Key);

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(100 - 16 + 5, body.GetProperty("credits").GetInt64());
    }
}
