using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The redirect guard on a generation POST's body (BodyWrites) looks at the request the SDK made. A consumer's handler
/// that sends a copy of that request, sharing its body (as a hedging handler's snapshot, or a handler that treats
/// requests as immutable, does), has the redirect handler change the copy: the guard saw the first address and the key
/// still in place, let the body go again, and the 307 was followed to a second POST whose job came back as the only one.
/// The body cannot see the copy, so the second POST cannot be stopped; the answer names the copy it answers, so the call
/// now fails possibly charged, naming the job the second POST paid for.
/// </summary>
public sealed class HostileClonedRequestRedirectTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(307, "same")]
    [InlineData(308, "elsewhere")]
    public async Task A_redirected_copy_of_the_generation_POST_fails_possibly_charged_naming_the_second_job(int status, string target)
    {
        await using var api = new ScriptedHttpServer((request, _) => request.Target.EndsWith("/elsewhere", StringComparison.Ordinal) || request.Authorization is null
            ? Respond(202, SeedResponses.Generation("gen_second", "queued"))
            : Respond(status, "", ("Location", target == "same" ? request.Target : "/elsewhere")));
        using var http = new HttpClient(new Copying(new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.IsType<InvalidResponseException>(ex);
        Assert.Equal(2, api.Received.Count(r => r.Method == "POST"));
        Assert.Equal("gen_second", ex.GenerationId);
        Assert.True(ex.PossiblyCharged, ex.Message);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Contains("redirected", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_of_the_generation_POST_answered_at_once_still_submits()
    {
        await using var api = new ScriptedHttpServer((_, _) => Respond(202, SeedResponses.Generation("gen_once", "queued")));
        using var http = new HttpClient(new Copying(new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 0 });

        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);

        Assert.Equal("gen_once", operation.Id);
        Assert.Single(api.Received, r => r.Method == "POST");
    }

    /// <summary>Sends a copy of each request, the same body in it.</summary>
    private sealed class Copying(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version };
            foreach (var header in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return base.SendAsync(copy, cancellationToken);
        }
    }
}
