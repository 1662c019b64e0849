using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// A body that stalls after its status and a few bytes, on the system clock: the path every
/// production client takes (the fault matrix runs on a scaled clock, which takes the other one).
/// </summary>
public sealed class StalledBodyTests
{
    private static GptImageHubClient Client(ScriptedHttpServer server, int maxRetries = 0, double requestTimeoutSeconds = 1) => new(new GptImageHubClientOptions
    {
        ApiKey = TestKeys.ApiKey,
        BaseAddress = server.BaseAddress,
        RequestTimeout = TimeSpan.FromSeconds(requestTimeoutSeconds),
        MaxRetries = maxRetries,
        Polling = { InitialInterval = TimeSpan.FromMilliseconds(50), MaxInterval = TimeSpan.FromMilliseconds(100), UseJitter = false },
    });

    [Theory]
    [InlineData(200, """{"credits":5,"account_type":"PRO","padding":"................................"}""")]
    [InlineData(503, """{"error":{"message":"The service is busy","code":"serviceUnavailable"}}""")]
    public async Task A_stalled_body_is_a_connection_timeout_never_a_bare_cancellation(int status, string body)
    {
        await using var server = new ScriptedHttpServer((_, _) => Fault(FaultPoint.BodyMiddle, cut: false, status, body));
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));

        Assert.Contains("timed out after 1 s", ex.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task A_poll_whose_error_body_stalls_is_polled_through_and_the_wait_succeeds()
    {
        var polls = 0;
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Respond(202, SeedResponses.Generation("g1", "queued"))
            : Interlocked.Increment(ref polls) == 1
                ? Fault(FaultPoint.BodyStart, cut: false, 503, """{"error":{"message":"busy","code":"serviceUnavailable"}}""")
                : Respond(200, SeedResponses.Succeeded("g1")));
        using var client = Client(server, maxRetries: 3);

        var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal("g1", generation.Id);
        Assert.Equal(2, polls);
        Assert.Single(server.Received, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_batch_whose_first_poll_stalls_finishes_every_item()
    {
        var polls = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var submitted = 0;
        await using var server = new ScriptedHttpServer((request, _) =>
        {
            if (request.Method == "POST")
            {
                return Respond(202, SeedResponses.Generation($"g{Interlocked.Increment(ref submitted)}", "queued"));
            }

            var id = request.Target[(request.Target.LastIndexOf('/') + 1)..];
            return polls.AddOrUpdate(id, 1, (_, n) => n + 1) == 1 && id == "g1"
                ? Fault(FaultPoint.BodyMiddle, cut: false, 503, """{"error":{"message":"busy","code":"serviceUnavailable"}}""")
                : Respond(200, SeedResponses.Succeeded(id));
        });
        using var client = Client(server);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        var items = Enumerable.Range(0, 5).Select(i => new BatchItem($"item-{i}", new ImageGenerationRequest("gpt-image-2", $"item {i}")));

        var results = new List<BatchItemResult>();
        await foreach (var result in client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1 }, bound.Token).WithCancellation(bound.Token))
        {
            results.Add(result);
        }

        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.Equal(5, server.Received.Count(r => r.Method == "POST"));
    }
}
