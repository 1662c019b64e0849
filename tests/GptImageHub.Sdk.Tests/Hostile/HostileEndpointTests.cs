using System.Net;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on the generation path built from a resolved prefix and the escaped id (ApiEndpoints):
/// whatever the id, the request goes to the base address's host and to one segment under its
/// generations path, with the key.
/// </summary>
public sealed class HostileEndpointTests
{
    public static TheoryData<string> HostileIds() =>
    [
        "//127.0.0.2/api/v1/credits", "@127.0.0.2", "\\\\127.0.0.2\\x", "..%2F..%2Fcredits", "%2e%2e", "?x=1#frag",
        "\ud83d", "\ude00x", "a\u0000b", "a\r\nHost: 127.0.0.2", "\u202Egnp.exe", "ｆｕｌｌｗｉｄｔｈ／ｓｌａｓｈ", new string('a', 70_000),
    ];

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task No_generation_id_leaves_its_segment_or_the_API_host(string id)
    {
        var handler = new Recorder();
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:5000/gateway/v2/"), MaxRetries = 0 });

        // The canned answer is about generation "g": a read of another id refuses it and names the id asked for (HostileResumeIdTests).
        var refused = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetGenerationAsync(id, TestContext.Current.CancellationToken));

        Assert.Equal(id, refused.GenerationId);

        var sent = Assert.Single(handler.Sent);
        Assert.Equal("127.0.0.1", sent.Uri.Host);
        Assert.Equal(5000, sent.Uri.Port);
        Assert.StartsWith("/gateway/v2/api/v1/generations/", sent.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(["/", "gateway/", "v2/", "api/", "v1/", "generations/"], sent.Uri.Segments[..^1]);
        Assert.Empty(sent.Uri.Query);
        Assert.Empty(sent.Uri.Fragment);
        Assert.Equal("Bearer " + TestKeys.ApiKey, sent.Authorization);
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization)> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add((request.RequestUri!, request.Headers.Authorization?.ToString()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(SeedResponses.Generation("g", "queued"), Encoding.UTF8, "application/json"),
            });
        }
    }
}
