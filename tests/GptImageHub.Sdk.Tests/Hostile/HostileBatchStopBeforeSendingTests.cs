using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The batch submits with no token, so that a POST on the wire ends with its id known; but then the stop reached nothing
/// inside the submit. A 429 answered after the stop was retried, and that new POST, sent after the caller had stopped,
/// was charged; a stop while the submit prepared (the price check's catalogue read) sent the POST anyway. The SDK's own
/// client now takes the stop as one before sending: the POST on the wire finishes, nothing is sent after it.
/// </summary>
public sealed class HostileBatchStopBeforeSendingTests() : EmulatorAndDirectory("gih-hostile-stopsend-")
{
    [Fact]
    public async Task A_429_answered_after_the_stop_is_not_retried_and_the_item_is_offered_again_next_run()
    {
        using var client = RetryingClient(maxCreditsPerRequest: null);
        var items = Items(1, "stop429");
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(2), endpoint: EmulatorEndpoint.CreateGeneration);
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration, retryAfter: TimeSpan.Zero);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, stop.Token));
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 1, "the POST has reached the service");

        await stop.CancelAsync();
        var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(15), T);

        Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.DoesNotContain(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge);
        var refused = Assert.Single(first);
        Assert.Equal(BatchItemStatus.Failed, refused.Status);
        Assert.IsType<RateLimitedException>(refused.Error);

        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);
    }

    [Fact]
    public async Task A_stop_while_the_submit_prepares_sends_nothing_and_records_the_item_not_sent()
    {
        using var client = RetryingClient(maxCreditsPerRequest: 1000);
        var items = Items(1, "stopprep");
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(2), endpoint: EmulatorEndpoint.Models);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, stop.Token));
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0, "the catalogue read has reached the service");

        await stop.CancelAsync();
        var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(15), T);

        Assert.Empty(Hub.Ledger.GenerationRequests);
        var skipped = Assert.Single(first);
        Assert.Equal(BatchItemStatus.Skipped, skipped.Status);
        Assert.Equal("Not submitted: the batch was canceled.", skipped.Reason);

        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    private GptImageHubClient RetryingClient(long? maxCreditsPerRequest) => new(
        new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan },
        new GptImageHubClientOptions
        {
            ApiKey = Hub.CreateApiKey(credits: 1000),
            BaseAddress = Hub.BaseAddress,
            MaxRetries = 2,
            MaxCreditsPerRequest = maxCreditsPerRequest,
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
        });

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(5, T);
        }
    }
}
