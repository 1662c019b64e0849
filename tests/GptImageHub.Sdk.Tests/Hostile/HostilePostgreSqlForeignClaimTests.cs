using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Workers that share a PostgreSQL batch are each offered every worker's items, and only the one that enqueued an
/// item can build its request. A worker offered another's item (pending, or posted by a worker that died) dropped the
/// claim and kept the row: claimed by a live worker, it was never offered again, and no worker of the batch drained,
/// the one holding it included (promise 3: never hang). Guard: the claim is handed back to the store, which offers it
/// to the other workers, never to this one again, and does not make this one wait for it.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlForeignClaimTests(PostgreSqlServer server)
    : PostgreSqlEmulatorTestBase(server, TimeSpan.FromMilliseconds(50), ShortLease)
{
    [Fact]
    public async Task A_worker_offered_pending_items_another_worker_enqueued_hands_them_back_and_finishes_its_own()
    {
        Server.Require();
        var name = $"hostile-foreign-{Guid.NewGuid():N}";
        await using var otherStore = Store(name);
        await using var other = await otherStore.OpenAsync(new BatchRunSettings(), Ct);
        var theirs = Items(3, "theirs");
        await other.EnqueueAsync([.. await Task.WhenAll(theirs.Select(i => BatchFingerprint.ItemAsync(i.Key, i.Request, Ct)))], isLastChunk: true, Ct);
        using var client = NewClient(credits: 1000);
        await using var store = Store(name);
        var mine = Items(2, "mine");

        // The other worker's items were enqueued first, so they are the first this worker is offered.
        var results = await CollectAsync(client.GenerateBatchAsync(mine, new BatchOptions { Store = store, MaxConcurrency = 4 }, Ct)).WaitAsync(RunBound, Ct);

        Assert.Equal(mine.Select(i => i.Key), results.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.All(theirs, i => Assert.Equal(0, Hub.Ledger.CountGenerationRequests(i.Request.Prompt)));
        var offered = await other.ClaimAsync(10, Ct);
        Assert.Equal(theirs.Select(i => i.Key), offered.Claims.Select(c => c.Key));
        Assert.All(offered.Claims, c => Assert.Equal(BatchClaimKind.Submit, c.Kind));
    }

    /// <summary>
    /// A consumer's decorator of the store's session written before <see cref="BatchStoreSession.ReleaseClaimAsync"/>
    /// existed forwards everything else: the base's hand-back did nothing, and the worker held the foreign claim and
    /// never drained (a hang). Guard: the default throws, and the batch ends with an <see cref="IOException"/> naming
    /// the session, with nothing posted for the items it never reached.
    /// </summary>
    [Fact]
    public async Task A_decorated_session_that_does_not_forward_the_hand_back_ends_the_batch_with_an_IOException_instead_of_hanging()
    {
        Server.Require();
        var name = $"hostile-foreign-decorated-{Guid.NewGuid():N}";
        await using var otherStore = Store(name);
        await using var other = await otherStore.OpenAsync(new BatchRunSettings(), Ct);
        var theirs = Items(1, "theirs");
        await other.EnqueueAsync([.. await Task.WhenAll(theirs.Select(i => BatchFingerprint.ItemAsync(i.Key, i.Request, Ct)))], isLastChunk: true, Ct);
        using var client = NewClient(credits: 1000);
        await using var store = Store(name);

        var failure = await Assert.ThrowsAsync<IOException>(() => CollectAsync(client.GenerateBatchAsync(Items(1, "mine"), new BatchOptions { Store = new ForwardingStore(store), MaxConcurrency = 1 }, Ct)).WaitAsync(RunBound, Ct));

        Assert.Contains(nameof(ForwardingStore), failure.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BatchStoreSession.ReleaseClaimAsync), failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, Hub.Ledger.CountGenerationRequests(theirs[0].Request.Prompt));
    }

    [Fact]
    public async Task A_worker_offered_a_dead_workers_posted_item_it_did_not_enqueue_hands_it_back_and_its_owner_resumes_it_without_a_second_POST()
    {
        Server.Require();
        var name = $"hostile-foreign-resume-{Guid.NewGuid():N}";
        using var client = NewClient(credits: 1000);
        var posted = Items(1, "posted")[0];

        // A worker that posted the item, recorded its id, and died (leaving expires its lease at once).
        var dead = Store(name);
        await using (dead)
        {
            await using var session = await dead.OpenAsync(new BatchRunSettings(), Ct);
            await session.EnqueueAsync([await BatchFingerprint.ItemAsync(posted.Key, posted.Request, Ct)], isLastChunk: true, Ct);
            Assert.Equal(posted.Key, Assert.Single((await session.ClaimAsync(1, Ct)).Claims).Key);
            Assert.Equal(BatchSubmitStart.Recorded, await session.BeginSubmitAsync(posted.Key, 5, Ct));
            var operation = await client.StartImageGenerationAsync(posted.Request, Ct);
            await session.RecordAsync(new BatchRecord(posted.Key, BatchJournalEvent.Submitted) { GenerationId = operation.Id }, Ct);
        }

        await using var store = Store(name);
        var item = Items(1, "mine")[0];
        var mine = await CollectAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store }, Ct)).WaitAsync(RunBound, Ct);
        await using var ownerStore = Store(name);
        var owners = await CollectAsync(client.GenerateBatchAsync([posted], new BatchOptions { Store = ownerStore }, Ct)).WaitAsync(RunBound, Ct);

        Assert.Equal(item.Key, Assert.Single(mine).Key);
        var resumed = Assert.Single(owners);
        Assert.Equal(posted.Key, resumed.Key);
        Assert.Equal(BatchItemStatus.Succeeded, resumed.Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(posted.Request.Prompt));
    }

    [Fact]
    public async Task A_posted_item_handed_back_is_not_offered_again_to_the_worker_that_still_follows_it_after_its_lease_lapsed()
    {
        Server.Require();
        var name = $"hostile-foreign-lapsed-{Guid.NewGuid():N}";

        // A worker posts k0 and follows it; its lease lapses for a while (a pause, an outage), as if it had died.
        await using var ownerStore = Store(name);
        await using var owner = await ownerStore.OpenAsync(new BatchRunSettings(), Ct);
        await owner.EnqueueAsync([new BatchStoreItem("k0", "f0")], isLastChunk: true, Ct);
        Assert.Equal("k0", Assert.Single((await owner.ClaimAsync(1, Ct)).Claims).Key);
        Assert.Equal(BatchSubmitStart.Recorded, await owner.BeginSubmitAsync("k0", 5, Ct));
        await owner.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Submitted) { GenerationId = "g0" }, Ct);
        var lapsed = (PostgreSqlBatchSession)owner;
        await lapsed.StopHeartbeatAsync();
        await SetLeaseAsync(lapsed.WorkerId, "'-infinity'");

        // Another worker, which did not enqueue k0, takes it over and hands it back.
        await using var otherStore = Store(name);
        await using var other = await otherStore.OpenAsync(new BatchRunSettings(), Ct);
        BatchClaim? taken = null;
        for (var deadline = DateTime.UtcNow + RunBound; taken is null && DateTime.UtcNow < deadline; await Task.Delay(100, Ct))
        {
            var offered = (await other.ClaimAsync(4, Ct)).Claims;
            taken = offered.Count > 0 ? offered[0] : null;
        }

        Assert.NotNull(taken);
        Assert.Equal(BatchClaimKind.Resume, taken.Kind);
        await other.ReleaseClaimAsync(taken, Ct);

        // The first worker is back and still follows g0: k0 is not handed to it a second time.
        await SetLeaseAsync(lapsed.WorkerId, "now() + interval '1 hour'");
        var again = await owner.ClaimAsync(4, Ct);

        Assert.DoesNotContain(again.Claims, c => c.Key == "k0");
        await owner.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Succeeded) { GenerationId = "g0", Credits = 5 }, Ct);
        Assert.Equal(1, (await ownerStore.GetStatusAsync(Ct)).Counts[BatchJournalEvent.Succeeded]);
    }

    /// <summary>
    /// A consumer's decorator (an audit layer, say) of a store, written before the hand-back existed. Written out in
    /// full, not on <c>ForwardingBatchSession</c>: that one forwards the hand-back, which is what this lacks.
    /// </summary>
    private sealed class ForwardingStore(BatchStore inner) : BatchStore
    {
        public override async ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken) =>
            new Session(await inner.OpenAsync(settings, cancellationToken));

        public override ValueTask<BatchStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);

        private sealed class Session(BatchStoreSession inner) : BatchStoreSession
        {
            public override ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken) => inner.EnqueueAsync(items, isLastChunk, cancellationToken);

            public override ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken) => inner.ClaimAsync(maxCount, cancellationToken);

            public override ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken) => inner.BeginSubmitAsync(key, credits, cancellationToken);

            public override ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken) => inner.RecordAsync(record, cancellationToken);

            public override ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
