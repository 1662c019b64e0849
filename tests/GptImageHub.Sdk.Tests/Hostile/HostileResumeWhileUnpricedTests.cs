using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A worker is offered an item again, to follow a job another worker paid for, while its own copy of the item is still
/// pricing it; the price fails, so the copy gives the item up before its submit record, and the offer is followed in the
/// copy's place. The copy first handed its claim back to the store: a fleet store that had moved the item to this worker
/// as "submitted" let go of it (no owner), so another worker could follow it at the same time, while this one did. A run
/// that follows the item keeps the store's claim on it: nothing is handed back.
/// </summary>
public sealed class HostileResumeWhileUnpricedTests() : EmulatorAndDirectory("gih-hostile-resume-unpriced-")
{
    [Fact]
    public async Task An_offer_to_follow_made_while_the_copy_cannot_price_the_item_is_followed_and_never_handed_back()
    {
        using var sdk = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var item = Items(1, "resume-unpriced")[0];
        var paid = await sdk.StartImageGenerationAsync(item.Request, T);
        var store = new OfferWhilePricingStore(new FileBatchStore(Journal), item.Key, paid.Id);
        var client = new PriceFailsAfterOffer(sdk, store.OfferedTask);

        var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, MaxConcurrency = 2, CreditBudget = 1000 }, T))
            .WaitAsync(TimeSpan.FromSeconds(30), T);

        Assert.Null(error);
        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal(paid.Id, result.GenerationId);
        Assert.Empty(store.HandedBack);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
    }

    /// <summary>The first claim is the item's submit; the next offers it again as a resume of the paid job; the one after says the offer was taken.</summary>
    private sealed class OfferWhilePricingStore(BatchStore inner, string key, string generationId) : ForwardingBatchStore(inner)
    {
        private readonly TaskCompletionSource _offered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _key = key;
        private readonly string _generationId = generationId;
        private int _claims;

        public Task OfferedTask => _offered.Task;

        public List<BatchClaim> HandedBack { get; } = [];

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(OfferWhilePricingStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                var claim = Interlocked.Increment(ref store._claims);
                if (claim >= 3)
                {
                    // Asked again: the offer before has been started (kept aside as a repeat of the copy at work).
                    store._offered.TrySetResult();
                }

                if (claim == 2)
                {
                    return new BatchClaims([new BatchClaim(store._key, BatchClaimKind.Resume) { GenerationId = store._generationId }], Drained: false);
                }

                var claims = await Inner.ClaimAsync(Math.Min(maxCount, 1), cancellationToken);
                return claim == 1 ? claims with { Drained = false } : claims;
            }

            public override ValueTask ReleaseClaimAsync(BatchClaim claim, CancellationToken cancellationToken)
            {
                lock (store.HandedBack)
                {
                    store.HandedBack.Add(claim);
                }

                return Inner.ReleaseClaimAsync(claim, cancellationToken);
            }
        }
    }

    /// <summary>The catalogue read of the batch's price fails, once the runner has taken the store's second offer of the item.</summary>
    private sealed class PriceFailsAfterOffer(IGptImageHubClient inner, Task offered) : IGptImageHubClient
    {
        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.StartImageGenerationAsync(request, cancellationToken);

        public async Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default)
        {
            await offered.WaitAsync(cancellationToken);
            throw new HttpRequestException("catalogue unavailable");
        }

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => inner.GetCreditsAsync(cancellationToken);

        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.GenerateImageAsync(request, cancellationToken);

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) => inner.GetGenerationAsync(generationId, cancellationToken);

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => inner.WaitForGenerationAsync(generationId, progress, cancellationToken);

        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadImageAsync(image, destination, cancellationToken);
    }
}
