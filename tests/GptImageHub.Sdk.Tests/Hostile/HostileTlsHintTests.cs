using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An <c>https://</c> address to a plain-http server (the emulator) failed with "The SSL connection could not be
/// established: ..." and nothing about the likely fix. The one-line message now adds that the address may need
/// <c>http://</c>, only when the address is https and the TLS handshake is what failed, and never shows the key.
/// </summary>
public sealed class HostileTlsHintTests : IAsyncLifetime
{
    private const string Hint = "If that server speaks plain HTTP (as the emulator does), the address needs http:// instead of https://.";

    private GptImageHubEmulator _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Https_to_a_plain_http_server_hints_that_the_address_may_need_http_without_the_key()
    {
        var key = _hub.CreateApiKey(credits: 100);
        var address = new UriBuilder(_hub.BaseAddress) { Scheme = "https" }.Uri;
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = key, BaseAddress = address, MaxRetries = 0 });

        var failure = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(Ct));

        Assert.StartsWith("GET /api/v1/credits failed: The SSL connection could not be established: ", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith(" " + Hint, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.DoesNotContain(key, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_to_a_refusing_port_gets_no_http_hint()
    {
        var address = new Uri($"https://127.0.0.1:{LoopbackPort.Unused()}/");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = _hub.CreateApiKey(credits: 100), BaseAddress = address, MaxRetries = 0 });

        var failure = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(Ct));

        Assert.DoesNotContain("http://", failure.Message, StringComparison.Ordinal);
    }
}
