using System.Net;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Resilience;

public sealed class RetryTests
{
    private static async Task<(T? Result, Exception? Error, List<ReceivedRequest> Received, TimeSpan Elapsed)> RunAsync<T>(
        Func<ReceivedRequest, int, Step> script, Func<GptImageHubClient, Task<T>> call, int maxRetries = 3)
    {
        await using var server = new ScriptedHttpServer(script);
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = maxRetries, TimeProvider = clock });
        try
        {
            var result = await clock.RunAsync(call(client));
            return (result, null, [.. server.Received], clock.Elapsed);
        }
        catch (Exception ex)
        {
            return (default, ex, [.. server.Received], clock.Elapsed);
        }
    }

    private static Task<CreditBalance> Credits(GptImageHubClient client) => client.GetCreditsAsync(TestContext.Current.CancellationToken);

    private static Task<GenerationOperation> Submit(GptImageHubClient client) =>
        client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);

    public static TheoryData<string, int, string> RetriedStatuses => new()
    {
        { "408", 408, "" },
        { "429", 429, """{"error":{"message":"slow","code":"rateLimited"}}""" },
        { "500 without a code", 500, "oops" },
        { "502", 502, "<html>bad gateway</html>" },
        { "503", 503, "" },
        { "504", 504, "" },
    };

    [Theory]
    [MemberData(nameof(RetriedStatuses))]
    public async Task A_GET_is_retried_after_a_transient_status_and_then_succeeds(string name, int status, string body)
    {
        var run = await RunAsync((_, i) => i < 2 ? Respond(status, body) : Respond(200, """{"credits":5}"""), Credits);

        Assert.True(run.Error is null, $"{name}: {run.Error}");
        Assert.Equal(5, run.Result!.Credits);
        Assert.Equal(3, run.Received.Count);
    }

    [Theory]
    [MemberData(nameof(RetriedStatuses))]
    public async Task A_GET_gives_up_after_MaxRetries_with_the_last_error(string name, int status, string body)
    {
        var run = await RunAsync((_, _) => Respond(status, body), Credits, maxRetries: 2);

        var error = Assert.IsAssignableFrom<GptImageHubException>(run.Error);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.True(run.Received.Count == 3, $"{name}: {run.Received.Count} attempts");
    }

    [Theory]
    [InlineData(400, """{"error":{"message":"bad","code":"invalid_request"}}""")]
    [InlineData(401, """{"error":{"message":"bad key","code":"invalidApiKey"}}""")]
    [InlineData(402, """{"error":{"message":"poor","code":"insufficientCredits"}}""")]
    [InlineData(404, """{"error":{"message":"gone","code":"notFound"}}""")]
    [InlineData(500, """{"error":{"message":"failed","code":"generationFailed"}}""")]
    [InlineData(501, "")]
    public async Task A_GET_is_not_retried_after_a_status_that_will_not_change(int status, string body)
    {
        var run = await RunAsync((_, _) => Respond(status, body), Credits);

        Assert.IsAssignableFrom<GptImageHubException>(run.Error);
        Assert.Single(run.Received);
    }

    [Fact]
    public async Task A_GET_is_retried_after_a_dropped_connection()
    {
        var run = await RunAsync((_, i) => i == 0 ? Drop() : Respond(200, """{"credits":5}"""), Credits);

        Assert.Null(run.Error);
        Assert.Equal(2, run.Received.Count);
    }

    [Fact]
    public async Task Retry_delays_grow_exponentially_from_one_second_with_jitter()
    {
        var run = await RunAsync((_, i) => i < 3 ? Respond(503, "") : Respond(200, """{"credits":5}"""), Credits);

        Assert.Null(run.Error);
        // Polly's decorrelated jitter keeps the sum of three exponential delays from 1 s well under its 30 s cap.
        Assert.InRange(run.Elapsed.TotalSeconds, 0.5, 30);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("date")]
    public async Task Retry_After_in_seconds_or_as_a_date_sets_the_retry_delay(string form)
    {
        var clockStart = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        var value = form == "date" ? clockStart.AddSeconds(3).ToString("R") : form;
        var run = await RunAsync((_, i) => i == 0 ? Respond(503, "", ("Retry-After", value)) : Respond(200, """{"credits":5}"""), Credits);

        Assert.Null(run.Error);
        Assert.Equal(TimeSpan.FromSeconds(3), run.Elapsed);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_cap_is_returned_to_the_caller_instead_of_waited_out()
    {
        var run = await RunAsync((_, _) => Respond(429, """{"error":{"message":"slow","code":"rateLimited"}}""", ("Retry-After", "120")), Credits);

        var error = Assert.IsType<RateLimitedException>(run.Error);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(run.Received);
        Assert.Equal(TimeSpan.Zero, run.Elapsed);
    }

    [Fact]
    public async Task MaxRetries_zero_turns_retries_off()
    {
        var run = await RunAsync((_, _) => Respond(503, ""), Credits, maxRetries: 0);

        Assert.IsType<ServiceException>(run.Error);
        Assert.Single(run.Received);
    }

    [Fact]
    public async Task A_generation_submit_is_retried_after_a_429_because_the_service_refused_it_unprocessed()
    {
        var run = await RunAsync((_, i) => i == 0 ? Respond(429, """{"error":{"message":"slow","code":"rateLimited"}}""", ("Retry-After", "2")) : Respond(202, SeedResponses.AsyncQueued), Submit);

        Assert.Null(run.Error);
        Assert.Equal(["POST", "POST"], run.Received.Select(r => r.Method));
        Assert.Equal(run.Received[0].Body, run.Received[1].Body);
        Assert.Equal(TimeSpan.FromSeconds(2), run.Elapsed);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_generation_submit_is_never_retried_after_a_status_that_may_follow_a_charge(int status)
    {
        var run = await RunAsync((_, _) => Respond(status, ""), Submit);

        Assert.IsType<ServiceException>(run.Error);
        Assert.Single(run.Received);
    }

    [Fact]
    public async Task A_generation_submit_is_retried_when_the_connection_is_refused_before_anything_was_sent()
    {
        var port = LoopbackPort.Unused();
        var clock = new SteppingClock();
        var attempts = new RecordingHandler(clock);
        using var http = new HttpClient(attempts) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 3, TimeProvider = clock });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => clock.RunAsync(Submit(client)));

        Assert.Equal(4, attempts.Sent.Count);
        Assert.All(attempts.Sent, r => Assert.Equal(HttpMethod.Post, r.Method));
        Assert.Contains("refused", ex.InnerException!.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_generation_submit_is_retried_when_the_host_name_does_not_resolve()
    {
        var clock = new SteppingClock();
        var attempts = new RecordingHandler(clock);
        using var http = new HttpClient(attempts) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("https://no-such-host.invalid/"), MaxRetries = 2, TimeProvider = clock });

        await Assert.ThrowsAsync<GptImageHubConnectionException>(() => clock.RunAsync(Submit(client)));

        Assert.Equal(3, attempts.Sent.Count);
    }
}
