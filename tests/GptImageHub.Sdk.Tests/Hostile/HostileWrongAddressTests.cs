using GptImageHub.Emulator;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The two addresses a newcomer gets wrong first: one pasted with the API's own path (<c>.../api/v1/</c>), whose every
/// call is a 404 the service words as a bare "Not found", and an <c>https://</c> address to a plain-http server, whose
/// failure <c>HttpClient</c> words as "see inner exception". A one-line report shows neither the path nor the inner
/// exception, so the message itself must say what is wrong.
/// </summary>
public sealed class HostileWrongAddressTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_404_on_the_models_credits_or_submit_path_says_the_base_address_is_wrong()
    {
        var key = _hub.CreateApiKey(credits: 100);
        var address = new Uri(_hub.BaseAddress, "api/v1/");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = key, BaseAddress = address, MaxRetries = 0 });

        var models = await Assert.ThrowsAsync<NotFoundException>(() => client.GetModelsAsync(Ct));
        var credits = await Assert.ThrowsAsync<NotFoundException>(() => client.GetCreditsAsync(Ct));
        var submit = await Assert.ThrowsAsync<NotFoundException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a red fox"), Ct));

        Assert.Contains($"GET /api/v1/api/v1/models does not exist at the base address {address}", models.Message, StringComparison.Ordinal);
        Assert.Contains($"GET /api/v1/api/v1/credits does not exist at the base address {address}", credits.Message, StringComparison.Ordinal);
        Assert.Contains($"POST /api/v1/api/v1/images/generations was not found at the base address {address}: the model may not exist, or the address is not the service's root", submit.Message, StringComparison.Ordinal);
        Assert.StartsWith("Not found (HTTP 404 notFound): ", models.Message, StringComparison.Ordinal);
        Assert.False(submit.PossiblyCharged);
        Assert.Null(submit.GenerationId);
        Assert.Equal(100, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task A_proxys_html_404_on_the_credits_path_says_the_same()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html").WithBody("<html>404 Not Found</html>"));
        var address = new Uri(new Uri(server.Url!), "gateway/");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = "gih_live_" + new string('k', 32), BaseAddress = address, MaxRetries = 0 });

        var credits = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(Ct));

        Assert.Contains("<html>404 Not Found</html>", credits.Message, StringComparison.Ordinal);
        Assert.EndsWith($"GET /gateway/api/v1/credits does not exist at the base address {address}, which must be the service's root (such as https://www.gptimagehub.com/), not an API path.", credits.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generation_the_service_does_not_know_is_not_blamed_on_the_address()
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = key, BaseAddress = _hub.BaseAddress, MaxRetries = 0 });

        var missing = await Assert.ThrowsAsync<NotFoundException>(() => client.GetGenerationAsync("cnosuchgeneration00000000", Ct));

        Assert.DoesNotContain("base address", missing.Message, StringComparison.Ordinal);
        Assert.Equal("cnosuchgeneration00000000", missing.GenerationId);
    }

    [Fact]
    public async Task Https_to_a_plain_http_server_names_the_handshakes_failure_rather_than_an_inner_exception_nobody_sees()
    {
        var key = _hub.CreateApiKey(credits: 100);
        var address = new UriBuilder(_hub.BaseAddress) { Scheme = "https" }.Uri;
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = key, BaseAddress = address, MaxRetries = 0 });

        var failure = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(Ct));

        Assert.StartsWith("GET /api/v1/credits failed: The SSL connection could not be established: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, failure.Message, StringComparison.Ordinal);
    }
}
