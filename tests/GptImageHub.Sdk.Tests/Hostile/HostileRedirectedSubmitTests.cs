using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A gateway may answer a generation POST with a redirect after the service took it. <see cref="HttpClient"/> follows
/// 301, 302 and 303 with a GET of the new address (the same request object, its method and content changed), so the
/// answer the SDK reads is the GET's: a refusal there (a 429, a documented 400 or 404) said "refused, nothing charged"
/// about a POST that was sent and may have been charged, and the SDK's own retry sent it again; a success there (a
/// generation of another id) was taken for the submitted job. An answer to a request the redirect changed speaks of that
/// request only: the POST before it is possibly charged, and its id unknown.
/// </summary>
public sealed class HostileRedirectedSubmitTests
{
    public static TheoryData<int, int, string> Redirects() => new()
    {
        { 302, 429, """{"error":{"message":"Slow down","code":"rate_limited"}}""" },
        { 303, 429, """{"error":{"message":"Slow down","code":"rate_limited"}}""" },
        { 301, 400, """{"error":{"message":"Bad request","code":"invalid_request"}}""" },
        { 303, 404, """{"error":{"message":"Not found","code":"notFound"}}""" },
        { 302, 200, OtherJob("queued") },
        { 303, 200, OtherJob("succeeded") },
        { 301, 202, OtherJob("processing") },
    };

    private const string OtherJobId = "gen_someone_elses";

    private static string OtherJob(string status) =>
        $$$"""{"object":"image_generation","id":"{{{OtherJobId}}}","status":"{{{status}}}","model":"gpt-image-2","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00.000Z","images":[],"usage":{"credits":2}}""";

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task A_POST_redirected_to_a_GET_is_possibly_charged_with_no_id_and_sent_once_whatever_the_GET_answers(int redirect, int answer, string body)
    {
        var server = await SubmitsOnceAsync(redirect, answer, body, new SocketsHttpHandler());

        Assert.Equal(1, server.Received.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task A_redirected_submit_answered_with_another_job_neither_returns_its_images_nor_journals_it_as_the_item()
    {
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Respond(303, "", ("Location", "/generations/" + OtherJobId))
            : Respond(200, OtherJob("succeeded")));
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 2 });
        var directory = Directory.CreateTempSubdirectory("gih-redirected-submit-");
        var journal = Path.Combine(directory.FullName, "batch.jsonl");
        InvalidResponseException generate;
        BatchItemResult item;
        string journaled;
        try
        {
            generate = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));
            item = Assert.Single(await BatchRuns.CollectAsync(client.GenerateBatchAsync(BatchRuns.Items(1, "a hare"), new BatchOptions { JournalPath = journal }, TestContext.Current.CancellationToken)));
            journaled = await File.ReadAllTextAsync(journal, TestContext.Current.CancellationToken);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        Assert.True(generate.PossiblyCharged);
        Assert.Null(generate.GenerationId);
        Assert.Equal(BatchItemStatus.Unknown, item.Status);
        Assert.Null(item.GenerationId);
        Assert.DoesNotContain(OtherJobId, journaled, StringComparison.Ordinal);
        Assert.Equal(2, server.Received.Count(r => r.Method == "POST"));
    }

    [Theory]
    [InlineData(429, """{"error":{"message":"Slow down","code":"rate_limited"}}""")]
    [InlineData(200, null)]
    public async Task A_POST_whose_redirect_a_consumers_handler_follows_with_a_new_GET_is_possibly_charged_with_no_id_and_sent_once(int answer, string? body) => await SubmitsOnceAsync(303, answer, body ?? OtherJob("succeeded"), new FollowingRedirects(new SocketsHttpHandler { AllowAutoRedirect = false }));

    /// <summary>
    /// Submits once against a server that redirects the POST and answers the next request so: the submit fails possibly
    /// charged, with no id, and the POST is not sent again.
    /// </summary>
    private static async Task<ScriptedHttpServer> SubmitsOnceAsync(int redirect, int answer, string body, HttpMessageHandler handler)
    {
        var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Respond(redirect, "", ("Location", "/status/elsewhere"))
            : Respond(answer, body));
        await using (server)
        {
            using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 2 });

            var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

            Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
            Assert.True(ex.PossiblyCharged, ex.Message);
            Assert.Null(ex.GenerationId);
            Assert.Equal(1, server.Received.Count(r => r.Method == "POST"));
            return server;
        }
    }

    /// <summary>A consumer's handler that follows a 303 itself, as a new GET request (the one it sent is left unchanged).</summary>
    private sealed class FollowingRedirects(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode != 303 || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(request.RequestUri!, location));
            var answer = await base.SendAsync(get, cancellationToken);
            await answer.Content.LoadIntoBufferAsync(cancellationToken);
            return answer;
        }
    }
}
