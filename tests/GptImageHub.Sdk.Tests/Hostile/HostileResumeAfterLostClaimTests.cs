using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A worker whose submit record answered claim lost (another worker had taken the item for dead, posted it and died in
/// turn) is offered the item again, to follow that worker's paid job by id, while its own copy is still ending. The
/// runner kept the offer aside as a repeat and handed it back once the copy ended: the run reported the item skipped,
/// without the id of the job it had been told was paid for (promise 2), and a store with no other worker left it for
/// the next run. The offer is now followed by id in the copy's place, and the result names the job.
/// </summary>
public sealed class HostileResumeAfterLostClaimTests() : EmulatorAndDirectory("gih-hostile-resume-lost-")
{
    [Fact]
    public async Task An_offer_to_follow_a_paid_job_made_while_the_items_lost_claim_ends_is_followed_and_named()
    {
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var item = Items(1, "resume-lost")[0];

        // The other worker's POST of the same item: paid for once, by it.
        var paid = await client.StartImageGenerationAsync(item.Request, T);
        var store = new LostThenResumeStore(new FileBatchStore(Journal), paid.Id);

        var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, MaxConcurrency = 2 }, T))
            .WaitAsync(TimeSpan.FromSeconds(30), T);

        Assert.Null(error);
        Assert.True(store.Offered, "the store never offered the job while the lost claim's copy ended");
        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal(paid.Id, result.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
        Assert.Contains(paid.Id, await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
    }

    /// <summary>
    /// Forwards to the file store. The item's submit record is not written: it waits until the runner's claim loop has
    /// been offered the item again as a <see cref="BatchClaimKind.Resume"/> of <paramref name="generationId"/> and has
    /// asked for more work, then answers <see cref="BatchSubmitStart.ClaimLost"/>.
    /// </summary>
    private sealed class LostThenResumeStore(BatchStore inner, string generationId) : ForwardingBatchStore(inner)
    {
        private readonly TaskCompletionSource _askedAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _generationId = generationId;
        private volatile string? _begun;

        public bool Offered { get; private set; }

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(LostThenResumeStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                if (store._begun is { } key && !store.Offered)
                {
                    store.Offered = true;
                    return new BatchClaims([new BatchClaim(key, BatchClaimKind.Resume) { GenerationId = store._generationId }], Drained: false);
                }

                if (store.Offered)
                {
                    store._askedAgain.TrySetResult();
                }

                return await Inner.ClaimAsync(maxCount, cancellationToken);
            }

            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                store._begun = key;
                await store._askedAgain.Task.WaitAsync(cancellationToken);
                return BatchSubmitStart.ClaimLost;
            }
        }
    }
}
