using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

public sealed class CreditsEndpointTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task GetCredits_sends_the_key_as_a_bearer_token_and_reads_the_balance()
    {
        _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":112,"account_type":"PRO","next_expiration":null}""");
        using var client = _server.CreateSdkClient();

        var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.Requests());
        Assert.Equal("GET", request.RequestMessage.Method);
        Assert.Equal("/api/v1/credits", request.RequestMessage.Path);
        Assert.Equal("Bearer " + TestKeys.ApiKey, request.Header("Authorization"));
        Assert.Equal(112, balance.Credits);
        Assert.Equal("PRO", balance.AccountType);
        Assert.Null(balance.NextExpiration);
    }

    [Theory]
    [InlineData("""{"data":{"credits":5,"account_type":"FREE"}}""")]
    [InlineData("""{"balance":{"credits":5,"account_type":"FREE"}}""")]
    [InlineData("""{"credits":"5","account_type":"FREE"}""")]
    public async Task GetCredits_accepts_the_balance_at_the_top_level_or_wrapped(string body)
    {
        _server.StubJson("GET", "/api/v1/credits", 200, body);
        using var client = _server.CreateSdkClient();

        var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(5, balance.Credits);
        Assert.Equal("FREE", balance.AccountType);
    }

    [Fact]
    public async Task GetCredits_reads_next_expiration_as_a_date_and_keeps_unknown_fields()
    {
        _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":7,"next_expiration":"2026-12-31T00:00:00Z","expiring_credits":3}""");
        using var client = _server.CreateSdkClient();

        var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), balance.NextExpiration);
        Assert.Equal(3, balance.AdditionalProperties["expiring_credits"].GetInt32());
    }

    [Fact]
    public async Task GetCredits_reads_an_expiration_object_it_does_not_know_as_null()
    {
        _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":7,"next_expiration":{"credits":3,"expires_at":"2026-12-31"}}""");
        using var client = _server.CreateSdkClient();

        var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, balance.Credits);
        Assert.Null(balance.NextExpiration);
    }

    [Fact]
    public async Task GetCredits_without_a_credits_field_throws_InvalidResponseException()
    {
        _server.StubJson("GET", "/api/v1/credits", 200, """{"account_type":"PRO"}""");
        using var client = _server.CreateSdkClient();

        await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
    }
}
