using System.Net;
using System.Text.Json;
using GptImageHub.Sdk.Tests.Emulator;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>The discovery documents the service names: /api/health, /.well-known/api-catalog (RFC 9727) and /openapi.json.</summary>
public sealed class DiscoveryDocumentTests : EmulatorTestBase
{
    [Fact]
    public async Task Health_answers_pass_as_health_json_without_a_key()
    {
        using var response = await Http.GetAsync("api/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/health+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"status":"pass"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_api_catalog_is_an_RFC_9727_linkset_whose_links_all_resolve()
    {
        using var response = await Http.GetAsync(".well-known/api-catalog", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/linkset+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("\"https://www.rfc-editor.org/info/rfc9727\"", response.Content.Headers.ContentType.Parameters.Single(p => p.Name == "profile").Value);
        Assert.Equal($"<{Hub.BaseAddress}.well-known/api-catalog>; rel=\"api-catalog\"", response.Headers.GetValues("Link").Single());
        var anchor = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("linkset").EnumerateArray().Single();
        Assert.Equal(Hub.BaseAddress + "api/v1/", anchor.GetProperty("anchor").GetString());
        var expected = new Dictionary<string, (string Href, string Type)>
        {
            ["service-desc"] = (Hub.BaseAddress + "openapi.json", "application/vnd.oai.openapi+json;version=3.1"),
            ["status"] = (Hub.BaseAddress + "api/health", "application/health+json"),
            ["service-doc"] = (Hub.BaseAddress.AbsoluteUri, "text/html"),
        };
        foreach (var (relation, (href, type)) in expected)
        {
            var link = anchor.GetProperty(relation).EnumerateArray().Single();
            Assert.Equal((href, type), (link.GetProperty("href").GetString()!, link.GetProperty("type").GetString()!));
            using var target = await Http.GetAsync(href, Ct);
            Assert.Equal(HttpStatusCode.OK, target.StatusCode);
            Assert.StartsWith(type.Split(';')[0], target.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Head_on_the_catalog_gives_the_link_header_and_no_body()
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, ".well-known/api-catalog"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("rel=\"api-catalog\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }
}
