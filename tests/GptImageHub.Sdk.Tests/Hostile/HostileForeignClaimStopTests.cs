using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A session that does not forward <see cref="BatchStoreSession.ReleaseClaimAsync"/> (its default throws) is offered
/// another worker's item while one of this worker's items is paid for and followed. The batch stops with an
/// <see cref="IOException"/>: the paid item must still come back with its id, be posted once, and the items not yet
/// reached must not be posted.
/// </summary>
public sealed class HostileForeignClaimStopTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile-foreign-stop-").FullName;
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(300) }, T);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_paid_item_in_flight_when_the_hand_back_is_not_supported_is_reported_with_its_id_and_posted_once(int concurrency)
    {
        var journal = Path.Combine(_directory, $"batch-{concurrency}.jsonl");
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 1000));
        var items = Items(4);
        var store = new ForeignOfferingStore(new FileBatchStore(journal));
        var results = new List<BatchItemResult>();

        var stopped = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var result in client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = concurrency }, T).WithCancellation(T))
            {
                results.Add(result);
            }
        }).WaitAsync(TimeSpan.FromSeconds(30), T);

        Assert.IsType<NotSupportedException>(stopped.GetBaseException());
        var posted = items.Where(i => _hub.Ledger.CountGenerationRequests(i.Request.Prompt) > 0).Select(i => i.Key).ToList();
        Assert.NotEmpty(posted);
        Assert.All(items, i => Assert.True(_hub.Ledger.CountGenerationRequests(i.Request.Prompt) <= 1, $"{i.Key} posted twice"));
        foreach (var key in posted)
        {
            var result = Assert.Single(results, r => r.Key == key);
            Assert.NotNull(result.GenerationId);
        }

        var journaled = await File.ReadAllTextAsync(journal, T);
        foreach (var result in results.Where(r => r.GenerationId is not null))
        {
            Assert.Contains(result.GenerationId!, journaled, StringComparison.Ordinal);
        }

        // The next run, on a store that hands back, finishes the rest and posts nothing twice.
        var rerun = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = journal, MaxConcurrency = concurrency }, T));
        Assert.All(rerun, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.All(items, i => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(i.Request.Prompt)));
    }

    /// <summary>The file store, whose session offers a foreign item once this worker's first submit has been claimed.</summary>
    private sealed class ForeignOfferingStore(BatchStore inner) : ForwardingBatchStore(inner)
    {
        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(session);

        private sealed class Session(BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            private int _claims;

            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                if (++_claims == 1)
                {
                    return await Inner.ClaimAsync(1, cancellationToken);
                }

                // Give the first item's POST time to be made, then offer another worker's item with this one's.
                await Task.Delay(100, cancellationToken);
                var own = await Inner.ClaimAsync(Math.Max(1, maxCount - 1), cancellationToken);
                return new BatchClaims([new BatchClaim("theirs-0", BatchClaimKind.Submit), .. own.Claims], own.Drained);
            }
        }
    }
}
