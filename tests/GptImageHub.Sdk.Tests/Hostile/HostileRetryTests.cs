using System.Net;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on the retry path (the first attempt outside Polly, handed to it as attempt 0): the wait
/// a Retry-After asks for must stop at once on disposal or cancellation and keep the generation id,
/// a refused submit is tried exactly MaxRetries more times, and an answer broken off by a disposal
/// or the caller after its id is reported as such.
/// </summary>
public sealed class HostileRetryTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("poll")]
    [InlineData("submit")]
    public async Task Disposal_during_a_Retry_After_wait_ends_the_call_at_once_as_ClientDisposedException(string call)
    {
        var clock = new SteppingClock();
        var handler = new RefusingHandler(call == "submit" ? 429 : 503, TimeSpan.FromSeconds(5));
        using var http = new HttpClient(handler);
        var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, TimeProvider = clock, MaxRetries = 3 });
        Task pending = call == "submit"
            ? client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T)
            : client.GetGenerationAsync("g1", T);

        Assert.Equal(TimeSpan.FromSeconds(5), await clock.NextDelayAsync());
        client.Dispose();

        var ex = await Assert.ThrowsAsync<ClientDisposedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5), T));
        Assert.Equal(1, handler.Requests);
        Assert.False(ex.PossiblyCharged);
        Assert.Equal(call == "submit" ? null : "g1", ex.GenerationId);
    }

    [Fact]
    public async Task Cancelling_during_a_Retry_After_wait_ends_the_call_at_once()
    {
        var clock = new SteppingClock();
        var handler = new RefusingHandler(503, TimeSpan.FromSeconds(5));
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, TimeProvider = clock, MaxRetries = 3 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var pending = client.GetGenerationAsync("g1", stop.Token);

        await clock.NextDelayAsync();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5), T));
        Assert.Equal(1, handler.Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_refused_submit_is_sent_exactly_once_plus_MaxRetries_times(int maxRetries)
    {
        var clock = new SteppingClock();
        var handler = new RefusingHandler(429, TimeSpan.Zero);
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, TimeProvider = clock, MaxRetries = maxRetries });

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => clock.RunAsync(client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T)));

        Assert.Equal(1 + maxRetries, handler.Requests);
        Assert.False(ex.PossiblyCharged);
    }

    [Fact]
    public async Task Disposal_while_a_submit_answer_stalls_after_its_id_names_the_paid_generation()
    {
        var answer = SeedResponses.Generation("gen_paid", "queued", "\"prompt\":\"" + new string('p', 200) + "\"");
        await using var server = new ScriptedHttpServer((_, _) => Fault(FaultPoint.BodyMiddle, cut: false, 202, answer));
        var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 3 });
        var pending = client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);
        await server.Arrivals.WaitAsync(TimeSpan.FromSeconds(5), T);
        await Task.Delay(100, T);

        client.Dispose();

        var ex = await Assert.ThrowsAsync<ClientDisposedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5), T));
        Assert.True(ex.PossiblyCharged);
        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task The_callers_cancellation_while_a_submit_answer_stalls_after_its_id_stays_a_cancellation()
    {
        var answer = SeedResponses.Generation("gen_paid", "queued", "\"prompt\":\"" + new string('p', 200) + "\"");
        await using var server = new ScriptedHttpServer((_, _) => Fault(FaultPoint.BodyMiddle, cut: false, 202, answer));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 3 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var pending = client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), stop.Token);
        await server.Arrivals.WaitAsync(TimeSpan.FromSeconds(5), T);
        await Task.Delay(100, T);

        await stop.CancelAsync();

        // The caller's cancellation leaves as a cancellation, the id or not, never as the reader's wrapper.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5), T));
        Assert.Single(server.Received);
    }

    /// <summary>Refuses every request with <paramref name="status"/> and a Retry-After of <paramref name="retryAfter"/>.</summary>
    private sealed class RefusingHandler(int status, TimeSpan retryAfter) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var response = new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent("""{"error":{"message":"busy","code":"rateLimited"}}""", Encoding.UTF8, "application/json"),
            };
            response.Headers.RetryAfter = new(retryAfter);
            return Task.FromResult(response);
        }
    }
}
