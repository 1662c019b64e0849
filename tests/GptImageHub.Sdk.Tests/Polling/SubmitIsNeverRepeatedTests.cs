using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace GptImageHub.Sdk.Tests.Polling;

/// <summary>A generation POST is charged on arrival and has no idempotency key: whatever goes wrong after it was sent, it is sent once.</summary>
public sealed class SubmitIsNeverRepeatedTests
{
    public static TheoryData<string, Func<IResponseBuilder>, Type> Faults => new()
    {
        { "500 generationFailed", () => Response.Create().WithStatusCode(500).WithBody("""{"error":{"message":"failed","code":"generationFailed"}}"""), typeof(GenerationFailedException) },
        { "500 without code", () => Response.Create().WithStatusCode(500).WithBody("oops"), typeof(ServiceException) },
        { "502 HTML", () => Response.Create().WithStatusCode(502).WithBody("<html>bad gateway</html>"), typeof(ServiceException) },
        { "503 empty", () => Response.Create().WithStatusCode(503), typeof(ServiceException) },
        { "504", () => Response.Create().WithStatusCode(504), typeof(ServiceException) },
        { "408", () => Response.Create().WithStatusCode(408), typeof(ServiceException) },
        { "truncated 202 body", () => Response.Create().WithStatusCode(202).WithBody("""{"id":"g1","status":"que"""), typeof(InvalidResponseException) },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_fault_after_the_submit_was_sent_never_sends_it_again(string fault, Func<IResponseBuilder> response, Type expected)
    {
        foreach (var mode in new[] { GenerationMode.Polling, GenerationMode.ServerWait })
        {
            using var hub = new PollingHarness(o => { o.GenerationMode = mode; o.MaxRetries = 3; });
            hub.Server.Given(Request.Create().WithPath("/api/v1/images/generations").UsingPost()).RespondWith(response());

            var ex = await Assert.ThrowsAnyAsync<Exception>(() => hub.Clock.RunAsync(hub.Client.GenerateImageAsync(PollingHarness.SampleRequest, TestContext.Current.CancellationToken)));

            Assert.True(expected == ex.GetType(), $"{fault} in {mode}: {ex.GetType().Name}: {ex.Message}");
            Assert.True(hub.Server.Count("POST") == 1, $"{fault} in {mode}: the POST was sent {hub.Server.Count("POST")} times");
        }
    }

    [Theory]
    [InlineData("connection closed before an answer")]
    [InlineData("answer cut off mid-body")]
    public async Task A_connection_lost_after_the_submit_was_sent_never_sends_it_again(string fault)
    {
        var step = fault.StartsWith("connection", StringComparison.Ordinal) ? ScriptedHttpServer.Drop() : ScriptedHttpServer.Truncate(202, SeedResponses.AsyncQueued);
        await using var server = new ScriptedHttpServer((_, _) => step);
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 3, TimeProvider = clock });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => clock.RunAsync(client.GenerateImageAsync(PollingHarness.SampleRequest, TestContext.Current.CancellationToken)));

        Assert.True(server.Received.Count == 1, $"{fault}: the POST was sent {server.Received.Count} times");

        // An answer cut off after its id still names the job the POST paid for.
        Assert.Equal(fault.StartsWith("connection", StringComparison.Ordinal) ? null : "clx_generation_log_id", ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
    }

    [Fact]
    public async Task A_submit_that_times_out_after_it_was_sent_is_not_sent_again()
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Hang());
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 3, TimeProvider = clock });

        var submit = client.GenerateImageAsync(PollingHarness.SampleRequest, TestContext.Current.CancellationToken);
        Assert.True(await server.Arrivals.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        clock.Fake.Advance(TimeSpan.FromSeconds(100));

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => submit);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Equal("POST /api/v1/images/generations timed out after 100 s (RequestTimeout). The request was possibly charged: it may have reached the service before this failure, so check your balance (GetCreditsAsync) before sending it again.", ex.Message);
        Assert.True(ex.PossiblyCharged);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_server_wait_generation_is_not_cut_at_RequestTimeout_but_at_ServerWaitTimeout()
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Hang());
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, GenerationMode = GenerationMode.ServerWait, TimeProvider = clock });

        var generate = client.GenerateImageAsync(PollingHarness.SampleRequest, TestContext.Current.CancellationToken);
        Assert.True(await server.Arrivals.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        clock.Fake.Advance(TimeSpan.FromSeconds(899));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(generate.IsCompleted, "the wait was cut before ServerWaitTimeout");

        clock.Fake.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => generate);
        Assert.Equal("POST /api/v1/images/generations timed out after 900 s (ServerWaitTimeout). The request was possibly charged: it may have reached the service before this failure, so check your balance (GetCreditsAsync) before sending it again.", ex.Message);
        Assert.True(ex.PossiblyCharged);
    }
}
