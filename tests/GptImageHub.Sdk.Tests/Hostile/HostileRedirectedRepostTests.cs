using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// HttpClient's own handler (the SDK's, IHttpClientFactory's) follows a 307 or 308 answer to a POST by sending the same
/// request, body and all, to the address it names: a generation POST answered so by a gateway after the service took
/// it was sent again, and the second answer (a job) came back as the only one, so the first charge was never reported.
/// A 307 naming the same address was followed up to 50 times. The body now refuses to go to a second address (or
/// after the handler dropped its key for a redirect): one POST, possibly charged.
/// </summary>
public sealed class HostileRedirectedRepostTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<int, string, bool, bool> Redirects() => new()
    {
        { 307, "elsewhere", false, false },
        { 308, "elsewhere", false, false },
        { 307, "same", false, false },
        { 308, "same", false, false },
        { 307, "other-host", false, false },
        { 307, "elsewhere", true, false },
        { 308, "same", true, false },
        { 307, "elsewhere", false, true },
        { 307, "same", false, true },
    };

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task A_generation_POST_answered_with_a_redirect_is_sent_once_and_possibly_charged(int status, string target, bool referenceImage, bool consumersHttpClient)
    {
        await using var other = new ScriptedHttpServer((_, _) => Respond(202, SeedResponses.Generation("gen_second", "queued")), "127.0.0.3");
        await using var api = new ScriptedHttpServer((request, _) => request.Target.EndsWith("/elsewhere", StringComparison.Ordinal)
            ? Respond(202, SeedResponses.Generation("gen_second", "queued"))
            : Respond(status, "", ("Location", target switch
            {
                "same" => request.Target,
                "other-host" => new Uri(other.BaseAddress, "api/v1/images/generations").ToString(),
                _ => "/elsewhere",
            })));
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 2, RequestTimeout = TimeSpan.FromSeconds(10) };
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = consumersHttpClient ? new GptImageHubClient(http, options) : new GptImageHubClient(options);
        var request = new ImageGenerationRequest("gpt-image-2", "a fox")
        {
            ReferenceImages = referenceImage ? [ReferenceImage.FromStream(new MemoryStream(TestImages.Png(2048)), "ref.png")] : [],
        };

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(request, T));

        Assert.Equal(1, api.Received.Count(r => r.Method == "POST") + other.Received.Count(r => r.Method == "POST"));
        Assert.True(ex.PossiblyCharged, ex.Message);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Null(ex.GenerationId);
        Assert.Contains("redirected", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumers_handler_that_sets_the_address_before_the_first_send_still_submits_once()
    {
        // Service discovery and routing handlers rewrite the address the SDK set: only a second address is refused.
        await using var api = new ScriptedHttpServer((_, _) => Respond(202, SeedResponses.Generation("gen_routed", "queued")));
        using var http = new HttpClient(new Rerouting(api.BaseAddress, new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:9/"), MaxRetries = 2 });

        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);

        Assert.Equal("gen_routed", operation.Id);
        Assert.Single(api.Received, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_redirected_read_is_still_followed()
    {
        await using var api = new ScriptedHttpServer((request, _) => request.Target.EndsWith("/moved", StringComparison.Ordinal)
            ? Respond(200, """{"credits":7}""")
            : Respond(307, "", ("Location", "/moved")));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 0 });

        var credits = await client.GetCreditsAsync(T);

        Assert.Equal(7, credits.Credits);
    }

    /// <summary>A consumer's handler that sends every request to another host, as service discovery does.</summary>
    private sealed class Rerouting(Uri target, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(target, request.RequestUri!.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
