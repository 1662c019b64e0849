using System.Net;
using System.Net.Http.Headers;
using GptImageHub.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorAuthTests : EmulatorTestBase
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 30, 8, 0, 0, TimeSpan.Zero));

    protected override EmulatorOptions CreateOptions() => new() { TimeProvider = _time };

    [Fact]
    public void Keys_are_gih_live_plus_32_alphanumerics_and_unique()
    {
        var other = Hub.CreateApiKey();

        Assert.Matches("^gih_live_[A-Za-z0-9]{32}$", Key);
        Assert.Matches("^gih_live_[A-Za-z0-9]{32}$", other);
        Assert.NotEqual(Key, other);
    }

    [Fact]
    public async Task Credits_without_authorization_header_is_401_missingApiKey()
    {
        using var response = await GetAsync("api/v1/credits");

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "missingApiKey");
    }

    [Fact]
    public async Task Credits_with_a_key_the_emulator_never_issued_is_401_invalidApiKey()
    {
        using var response = await GetAsync("api/v1/credits", "gih_live_" + new string('a', 32));

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalidApiKey");
    }

    [Fact]
    public async Task Authorization_with_another_scheme_is_401_invalidApiKey()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/credits");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Key);

        using var response = await Http.SendAsync(request, Ct);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalidApiKey");
    }

    [Fact]
    public async Task Revoked_key_is_401_invalidApiKey()
    {
        Assert.True(Hub.RevokeApiKey(Key));

        using var response = await GetAsync("api/v1/credits", Key);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalidApiKey");
    }

    [Fact]
    public async Task Key_is_401_expiredApiKey_once_its_expiry_time_is_reached()
    {
        var key = Hub.CreateApiKey(credits: 10, expiresAt: _time.GetUtcNow().AddHours(1));
        using (var before = await GetAsync("api/v1/credits", key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        _time.Advance(TimeSpan.FromHours(1));

        using var after = await GetAsync("api/v1/credits", key);
        await AssertErrorAsync(after, HttpStatusCode.Unauthorized, "expiredApiKey");
    }

    [Fact]
    public async Task Generation_without_a_key_is_401_and_charges_nothing()
    {
        using var response = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "no key" }));

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "missingApiKey");
        Assert.Equal(0, Hub.Ledger.TotalCharged);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Generation_lookup_with_a_revoked_key_is_401_invalidApiKey()
    {
        var generation = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "revoked later" }));
        Hub.RevokeApiKey(Key);

        using var response = await GetAsync("api/v1/generations/" + generation.GetProperty("id").GetString(), Key);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalidApiKey");
    }

    [Fact]
    public async Task Second_key_of_a_user_shares_the_balance_and_reads_the_users_generations()
    {
        var second = Hub.CreateApiKeyForSameUser(Key);
        var generation = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "shared" }), second);

        using var lookup = await GetAsync("api/v1/generations/" + generation.GetProperty("id").GetString(), Key);
        await ReadJsonAsync(lookup, HttpStatusCode.OK);
        using var credits = await GetAsync("api/v1/credits", Key);
        var balance = await ReadJsonAsync(credits, HttpStatusCode.OK);
        Assert.Equal(92, balance.GetProperty("credits").GetInt64());
        Assert.Equal(Hub.GetUserId(Key), Hub.GetUserId(second));
    }

    [Fact]
    public async Task Revoking_one_key_leaves_the_users_other_key_working()
    {
        var second = Hub.CreateApiKeyForSameUser(Key);
        Hub.RevokeApiKey(Key);

        using var response = await GetAsync("api/v1/credits", second);

        var balance = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(100, balance.GetProperty("credits").GetInt64());
    }

    [Fact]
    public void Unknown_keys_are_refused_by_the_public_api()
    {
        Assert.False(Hub.RevokeApiKey("gih_live_unknown"));
        Assert.Throws<ArgumentException>(() => Hub.CreateApiKeyForSameUser("gih_live_unknown"));
        Assert.Throws<ArgumentException>(() => Hub.Ledger.GetBalance("gih_live_unknown"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hub.CreateApiKey(credits: -1));
    }
}
