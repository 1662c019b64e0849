using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The batch's stop reaches the SDK's submits through a consumer's decorator, GenerateImageAsync's included: stopped while
/// it prepared (a stalled catalogue read for the cost check), it sent nothing. The batch was told nothing of it (that
/// submit's exceptions were never remembered), so it journaled the item possibly charged, held back from every later run
/// though it was never sent. The submit's own exception, before any job was named, is remembered as StartImageGenerationAsync's is.
/// </summary>
public sealed class HostileGenerateDecoratorStopTests() : EmulatorAndDirectory("gih-hostile-generatestop-")
{
    [Fact]
    public async Task A_stop_while_a_decorators_GenerateImageAsync_prepares_records_the_item_not_sent_and_a_rerun_posts_it_once()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        using var sdk = new GptImageHubClient(
            new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions
            {
                ApiKey = key,
                BaseAddress = Hub.BaseAddress,
                MaxRetries = 0,
                MaxCreditsPerRequest = 1000,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
            });
        var client = new ThroughGenerate(sdk);
        var items = Items(1, "generatestop");
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(60), endpoint: EmulatorEndpoint.Models);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, stop.Token));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Hub.Faults.PendingCount != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, T);
        }

        await Task.Delay(100, T);
        await stop.CancelAsync();
        var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(10), T);
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.Equal(BatchItemStatus.Skipped, Assert.Single(first).Status);

        Hub.Faults.Clear();
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.Equal(1, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    /// <summary>Generates with the server's wait, then hands the batch the job by id.</summary>
    private sealed class ThroughGenerate(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var generation = await Inner.GenerateImageAsync(request, cancellationToken);
            return await Inner.ResumeGenerationAsync(generation.Id, cancellationToken);
        }
    }
}
