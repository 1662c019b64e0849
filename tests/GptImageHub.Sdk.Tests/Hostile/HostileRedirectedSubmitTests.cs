using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A gateway may answer a generation POST with a redirect after the service took it. <see cref="HttpClient"/> follows
/// 301, 302 and 303 with a GET of the new address (the same request object, its method and content changed), so the
/// answer the SDK reads is the GET's: a refusal there (a 429, a documented 400 or 404) said "refused, nothing charged"
/// about a POST that was sent and may have been charged, and the SDK's own retry sent it again. An answer to a request
/// the redirect changed speaks of that request only: the POST before it is possibly charged.
/// </summary>
public sealed class HostileRedirectedSubmitTests
{
    public static TheoryData<int, int, string> Redirects() => new()
    {
        { 302, 429, """{"error":{"message":"Slow down","code":"rate_limited"}}""" },
        { 303, 429, """{"error":{"message":"Slow down","code":"rate_limited"}}""" },
        { 301, 400, """{"error":{"message":"Bad request","code":"invalid_request"}}""" },
        { 303, 404, """{"error":{"message":"Not found","code":"notFound"}}""" },
    };

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task A_POST_redirected_to_a_GET_that_is_refused_is_possibly_charged_and_sent_once(int redirect, int refusal, string body)
    {
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Respond(redirect, "", ("Location", "/status/elsewhere"))
            : Respond(refusal, body));
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 2 });

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.True(ex.PossiblyCharged, ex.Message);
        Assert.Equal(1, server.Received.Count(r => r.Method == "POST"));
        Assert.Equal(1, server.Received.Count(r => r.Method == "GET"));
    }
}
