using GptImageHub.Emulator;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A gateway in front of a healthy service answers a submit the service took and charged with a status or body the API
/// does not document: a 2xx without a usable id, a 3xx without a Location, a 4xx or 5xx the error table does not list,
/// a body that is not JSON. Over a batch with retries on and a file journal run twice, each such item is posted once,
/// reported unknown (possibly charged) in both runs and never posted again, and the other items are unharmed.
/// </summary>
public sealed class HostileUnusualSubmitStatusTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-unusual-status-").FullName;
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(20) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public static TheoryData<int, string, string> Answers => new()
    {
        { 200, "{}", "application/json" },
        { 200, "<html>ok</html>", "text/html" },
        { 201, """{"object":"image_generation","id":"","status":"queued","images":[]}""", "application/json" },
        { 202, """{"object":"image_generation","id":null,"status":"queued","images":[]}""", "application/json" },
        { 202, """{"object":"image_generation","id":"   ","status":"queued","images":[]}""", "application/json" },
        { 202, """{"object":"image_generation","status":"queued","images":[]}""", "application/json" },
        { 202, "null", "application/json" },
        { 203, "[]", "application/json" },
        { 204, string.Empty, "application/json" },
        { 206, """{"object":"image_generation","id":""", "application/json" },
        { 207, "multi", "text/plain" },
        { 300, "choose", "text/plain" },
        { 302, "moved, no location", "text/plain" },
        { 400, "Bad Request", "text/plain" },
        { 400, """{"error":{"message":"x","code":"invalid_requests"}}""", "application/json" },
        { 402, """{"error":{"message":"x","code":"insufficientcredits"}}""", "application/json" },
        { 404, """{"error":{"message":"x","code":"not_found"}}""", "application/json" },
        { 409, """{"error":{"message":"conflict","code":"conflict"}}""", "application/json" },
        { 418, "teapot", "text/plain" },
        { 425, string.Empty, "text/plain" },
        { 499, "client closed", "text/plain" },
        { 500, """{"error":{"message":"x","code":"GenerationFailed"}}""", "application/json" },
        { 500, """{"error":{"message":"x"}}""", "application/json" },
        { 520, "<html>origin error</html>", "text/html" },
        { 599, string.Empty, "text/plain" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_submit_answered_outside_the_API_after_it_was_charged_is_unknown_posted_once_over_two_runs(int status, string body, string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = _hub.CreateApiKey(credits: 1000);
        using var client = new GptImageHubClient(
            new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions
            {
                ApiKey = key,
                BaseAddress = _hub.BaseAddress,
                MaxRetries = 3,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
            });
        var journal = Path.Combine(_directory, "batch.jsonl");
        var items = Items(3, $"status-{status}");
        _hub.Faults.RespondNext(status, body, contentType, endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = journal }, ct));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = journal }, ct));

        Assert.All(items, item => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(item.Request.Prompt)));
        foreach (var run in new[] { first, second })
        {
            Assert.Equal(3, run.Count);
            var faulted = Assert.Single(run, r => r.Status != BatchItemStatus.Succeeded);
            Assert.Equal((items[0].Key, BatchItemStatus.Unknown), (faulted.Key, faulted.Status));
        }

        var firstError = Assert.IsAssignableFrom<GptImageHubException>(first.Single(r => r.Key == items[0].Key).Error);
        Assert.True(firstError.PossiblyCharged, firstError.Message);
    }
}
