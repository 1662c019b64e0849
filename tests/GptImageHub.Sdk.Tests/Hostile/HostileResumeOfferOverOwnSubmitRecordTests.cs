using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A copy whose "submitting" record the store wrote (after another worker's submitted record of the same item, with its
/// paid job's id) is given up before its POST (the client disposed), while the store offers the item to follow that
/// worker's job. The copy followed the job without writing anything after its own "submitting" record, so the store's
/// last word on the item was "submitting": every later run reported it unknown, never following the paid job to its
/// images. The job's submitted record is now written again after the copy's record, and the next run resumes it.
/// </summary>
public sealed class HostileResumeOfferOverOwnSubmitRecordTests() : EmulatorAndDirectory("gih-hostile-resume-own-")
{
    [Fact]
    public async Task An_offer_taken_after_the_copys_own_submit_record_leaves_the_paid_job_resumable_by_the_next_run()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        var item = Items(1, "resume-own")[0];

        string paidId;
        using (var other = FastClient(Hub.BaseAddress, key))
        {
            paidId = (await other.StartImageGenerationAsync(item.Request, T)).Id;
        }

        var client = FastClient(Hub.BaseAddress, key);
        try
        {
            var store = new OfferDuringSubmitRecordStore(new FileBatchStore(Journal), paidId);
            var run = CollectUntilErrorAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, MaxConcurrency = 2 }, T));

            await store.AskedAgain.WaitAsync(TimeSpan.FromSeconds(10), T);
            client.Dispose();
            store.Proceed();
            var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(15), T);
            var result = Assert.Single(first);
            Assert.Equal(paidId, result.GenerationId);
        }
        finally
        {
            client.Dispose();
        }

        using var rerun = FastClient(Hub.BaseAddress, key);
        var second = await CollectAsync(rerun.GenerateBatchAsync([item], new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        var again = Assert.Single(second);
        Assert.Equal(paidId, again.GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, again.Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
    }

    /// <summary>
    /// Forwards to the file store. The item's submit record waits until the runner has been offered the item as a
    /// <see cref="BatchClaimKind.Resume"/> of the other worker's job (whose submitted record the offer writes first) and
    /// has asked for more, and until <see cref="Proceed"/>; then the file store writes it, after that worker's record.
    /// </summary>
    private sealed class OfferDuringSubmitRecordStore(BatchStore inner, string generationId) : ForwardingBatchStore(inner)
    {
        private readonly TaskCompletionSource _askedAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _proceed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _generationId = generationId;
        private volatile string? _begun;
        private volatile bool _offered;

        public Task AskedAgain => _askedAgain.Task;

        public void Proceed() => _proceed.TrySetResult();

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(OfferDuringSubmitRecordStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                if (store._begun is { } key && !store._offered)
                {
                    store._offered = true;
                    await Inner.RecordAsync(new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = store._generationId }, cancellationToken);
                    return new BatchClaims([new BatchClaim(key, BatchClaimKind.Resume) { GenerationId = store._generationId }], Drained: false);
                }

                if (store._offered)
                {
                    store._askedAgain.TrySetResult();
                    return await Inner.ClaimAsync(maxCount, cancellationToken);
                }

                return await Inner.ClaimAsync(maxCount, cancellationToken) with { Drained = false };
            }

            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                store._begun = key;
                await store._proceed.Task.WaitAsync(cancellationToken);
                return await Inner.BeginSubmitAsync(key, credits, cancellationToken);
            }
        }
    }
}
