using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A copy of an item is given up before its POST (the batch stopped while the store wrote its submit record or while
/// the submit prepared, or the client was disposed), while the store offers the item again to follow a job another
/// worker posted for it, already recorded submitted. The copy recorded the item not sent, over that worker's record,
/// then followed the job: a store that keeps the last record (the file journal does; the PostgreSQL store refuses a
/// not-sent record from a worker that does not hold the item) read the item as never sent, and the next run posted it
/// again, paying twice (promise 1). And a copy whose own "submitting" record landed after that worker's submitted one
/// (the client disposed once it was written) left "submitting" as the store's last word: every later run reported the
/// paid job unknown instead of following it. The offer is now followed without the not-sent record, with the job's
/// submitted record written again after the copy's own records, whenever the offer comes.
/// </summary>
public sealed class HostileResumeOfferWhileStoppedTests() : EmulatorAndDirectory("gih-hostile-resume-stopped-")
{
    public enum GiveUp
    {
        StopWhileStoreWritesSubmitting,
        ClientDisposed,
        StopWhileSubmitPrepares,

        /// <summary>The client disposed, and the job offered only while the copy's not-sent record is written.</summary>
        ClientDisposedOfferedDuringTheNotSentRecord,
    }

    [Theory]
    [InlineData(GiveUp.StopWhileStoreWritesSubmitting)]
    [InlineData(GiveUp.ClientDisposed)]
    [InlineData(GiveUp.StopWhileSubmitPrepares)]
    [InlineData(GiveUp.ClientDisposedOfferedDuringTheNotSentRecord)]
    public async Task A_copy_given_up_before_its_post_while_another_workers_paid_job_is_offered_follows_that_job_and_never_leaves_it_not_sent(GiveUp giveUp)
    {
        var key = Hub.CreateApiKey(credits: 1000);
        var item = Items(1, "resume-stopped")[0];

        // The other worker's POST of the same item: paid for once, by it.
        string paidId;
        using (var other = FastClient(Hub.BaseAddress, key))
        {
            paidId = (await other.StartImageGenerationAsync(item.Request, T)).Id;
        }

        var client = new GptImageHubClient(
            new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions
            {
                ApiKey = key,
                BaseAddress = Hub.BaseAddress,
                MaxRetries = 0,
                MaxCreditsPerRequest = 1000,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
            });
        try
        {
            if (giveUp == GiveUp.StopWhileSubmitPrepares)
            {
                // The cost check's catalogue read stalls: the submit is still preparing when the batch stops.
                Hub.Faults.DelayNext(TimeSpan.FromSeconds(60), endpoint: EmulatorEndpoint.Models);
            }

            var late = giveUp == GiveUp.ClientDisposedOfferedDuringTheNotSentRecord;
            var store = new OfferWhileGivingUpStore(new FileBatchStore(Journal), paidId, holdSubmitRecord: giveUp != GiveUp.StopWhileSubmitPrepares, offerLate: late);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
            var run = CollectUntilErrorAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, MaxConcurrency = 2 }, stop.Token));

            await (late ? store.SubmitRecordBegun : store.AskedAgain).WaitAsync(TimeSpan.FromSeconds(10), T);
            if (giveUp is GiveUp.ClientDisposed or GiveUp.ClientDisposedOfferedDuringTheNotSentRecord)
            {
                client.Dispose();
            }
            else
            {
                await stop.CancelAsync();
            }

            store.Proceed();
            var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(15), T);

            // The store's last word on the item is the paid job's, never not sent.
            Assert.NotEqual(BatchJournalEvent.NotSent, store.Records.Last(r => r.Key == item.Key).Event);
            Assert.Equal(late, store.Records.Any(r => r.Event == BatchJournalEvent.NotSent));
            var result = Assert.Single(first);
            Assert.Equal(paidId, result.GenerationId);
        }
        finally
        {
            client.Dispose();
        }

        // The next run, with a working client: the item's job is the one paid for, never posted again.
        Hub.Faults.Clear();
        using var rerun = FastClient(Hub.BaseAddress, key);
        var second = await CollectAsync(rerun.GenerateBatchAsync([item], new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        var again = Assert.Single(second);
        Assert.Equal(paidId, again.GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, again.Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
    }

    /// <summary>
    /// Forwards to the file store. Once the item's submit record has begun (held there until <see cref="Proceed"/>, then
    /// written, when <c>holdSubmitRecord</c>; else written at once), or with <c>offerLate</c> once its not-sent record has (written only after),
    /// the next claim offers the item as a <see cref="BatchClaimKind.Resume"/> of the other worker's job, after writing
    /// that worker's submitted record; the claim after it sets <see cref="AskedAgain"/>. Never drained before the offer.
    /// </summary>
    private sealed class OfferWhileGivingUpStore(BatchStore inner, string generationId, bool holdSubmitRecord, bool offerLate) : ForwardingBatchStore(inner)
    {
        private readonly TaskCompletionSource _askedAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _submitRecordBegun = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _proceed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _generationId = generationId;
        private readonly bool _holdSubmitRecord = holdSubmitRecord;
        private readonly bool _offerLate = offerLate;
        private volatile string? _begun;
        private volatile bool _offered;

        public Task AskedAgain => _askedAgain.Task;

        public Task SubmitRecordBegun => _submitRecordBegun.Task;

        public System.Collections.Concurrent.ConcurrentQueue<BatchRecord> Records { get; } = new();

        public void Proceed() => _proceed.TrySetResult();

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(OfferWhileGivingUpStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                if (store._begun is { } key && !store._offered)
                {
                    store._offered = true;
                    var others = new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = store._generationId };
                    store.Records.Enqueue(others);
                    await Inner.RecordAsync(others, cancellationToken);
                    return new BatchClaims([new BatchClaim(key, BatchClaimKind.Resume) { GenerationId = store._generationId }], Drained: false);
                }

                if (store._offered)
                {
                    store._askedAgain.TrySetResult();
                    return await Inner.ClaimAsync(maxCount, cancellationToken);
                }

                // Not drained before the offer, or the runner could stop asking before the item's copy gets there.
                return await Inner.ClaimAsync(maxCount, cancellationToken) with { Drained = false };
            }

            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                if (!store._holdSubmitRecord)
                {
                    var start = await Inner.BeginSubmitAsync(key, credits, cancellationToken);
                    store._begun = key;
                    return start;
                }

                store._begun = store._offerLate ? null : key;
                store._submitRecordBegun.TrySetResult();
                await store._proceed.Task.WaitAsync(cancellationToken);

                // Written now, after the other worker's submitted record (written with the offer).
                return await Inner.BeginSubmitAsync(key, credits, cancellationToken);
            }

            public override async ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken)
            {
                if (store._offerLate && record.Event == BatchJournalEvent.NotSent)
                {
                    store._begun = record.Key;
                    await store._askedAgain.Task.WaitAsync(cancellationToken);
                }

                store.Records.Enqueue(record);
                await Inner.RecordAsync(record, cancellationToken);
            }
        }
    }
}
