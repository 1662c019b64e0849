using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Samples.WebApi;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// samples/WebApi with <c>GptImageHub:BaseAddress</c> pasted with the API's path (<c>.../api/v1/</c>): the SDK's 404 for
/// a path that always exists at the root (the SDK's message says the address is wrong) reached the sample's caller as
/// 404 "No such generation", blaming the caller for the server's configuration. A 404 that names no generation is
/// now a 502 problem; a 404 that names one (GET of an unknown id) stays 404.
/// </summary>
public sealed class HostileWebApiWrongAddressTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    private static WebApplicationFactory<ImageResult> App(Uri baseAddress, string apiKey) =>
        new WebApplicationFactory<ImageResult>().WithWebHostBuilder(web => web.ConfigureLogging(logging => logging.ClearProviders()).ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["GptImageHub:BaseAddress"] = baseAddress.ToString(),
                ["GptImageHub:ApiKey"] = apiKey,
            })));

    [Fact]
    public async Task A_base_address_with_the_api_path_makes_post_images_a_502_not_a_404_for_the_caller()
    {
        var key = _hub.CreateApiKey(credits: 100);
        await using var app = App(new Uri(_hub.BaseAddress, "api/v1/"), key);
        using var http = app.CreateClient();

        using var response = await http.PostAsJsonAsync("/images", new { prompt = "a red fox" }, Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(502, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(key, body, StringComparison.Ordinal);
        Assert.Equal(100, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task An_unknown_generation_at_the_right_address_stays_404()
    {
        await using var app = App(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/images/cnosuchgeneration0000000000", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
    }
}
