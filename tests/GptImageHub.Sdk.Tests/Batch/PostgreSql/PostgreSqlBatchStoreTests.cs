using System.Collections.Concurrent;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Batch.PostgreSql;

/// <summary>
/// The fleet store's contract against a real PostgreSQL: each test is its own batch (a fresh name), and
/// several stores (each with its own connection pool) stand for several worker processes.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class PostgreSqlBatchStoreTests(PostgreSqlServer server)
{
    // The worker that dies in a takeover test has a short lease, so the test is quick.
    private static readonly PostgreSqlBatchStoreOptions Dying = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Schema_is_created_once_when_many_workers_start_together()
    {
        server.Require();
        var connection = await server.CreateDatabaseAsync($"gih_schema_{Guid.NewGuid():N}");
        var stores = Enumerable.Range(0, 6).Select(i => new PostgreSqlBatchStore(connection, $"b{i}", PostgreSqlTests.Steady)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.GetStatusAsync(Ct).AsTask()));
            await using var again = new PostgreSqlBatchStore(connection, "b0", PostgreSqlTests.Steady);
            var status = await again.GetStatusAsync(Ct);
            Assert.Equal(0, status.Total);

            await using var dataSource = NpgsqlDataSource.Create(connection);
            await using var command = dataSource.CreateCommand("SELECT array_agg(version) FROM gih_batch_schema_version");
            Assert.Equal(new[] { 1 }, (int[])(await command.ExecuteScalarAsync(Ct))!);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            await server.DropDatabaseAsync(connection);
        }
    }

    [Fact]
    public async Task Enqueue_from_several_workers_is_idempotent_by_key()
    {
        server.Require();
        var name = NewBatchName();
        var items = Items(300);
        var workers = await OpenAsync(name, 3);
        try
        {
            await Task.WhenAll(workers.Select(w => EnqueueAllAsync(w.Session, items)));
            await EnqueueAllAsync(workers[0].Session, items);
            var status = await workers[0].Store.GetStatusAsync(Ct);
            Assert.Equal(300, status.Total);
            Assert.Equal(300, status.Pending);
        }
        finally
        {
            await CloseAsync(workers);
        }
    }

    [Fact]
    public async Task A_key_enqueued_with_another_fingerprint_is_refused_by_name_and_nothing_of_its_chunk_is_kept()
    {
        server.Require();
        var workers = await OpenAsync(NewBatchName(), 2);
        try
        {
            await workers[0].Session.EnqueueAsync([new BatchStoreItem("shot-🦊-7", "fp-1")], isLastChunk: true, Ct);
            var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
                await workers[1].Session.EnqueueAsync([new BatchStoreItem("other", "fp-x"), new BatchStoreItem("shot-🦊-7", "fp-2")], isLastChunk: true, Ct));
            Assert.Contains("'shot-🦊-7'", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, (await workers[0].Store.GetStatusAsync(Ct)).Total);
        }
        finally
        {
            await CloseAsync(workers);
        }
    }

    [Fact]
    public async Task Keys_that_cannot_be_stored_exactly_are_refused_up_front()
    {
        server.Require();
        var workers = await OpenAsync(NewBatchName(), 1);
        try
        {
            var halfEmoji = "fox-" + "🦊"[0];
            var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
                await workers[0].Session.EnqueueAsync([new BatchStoreItem(halfEmoji, "fp")], isLastChunk: true, Ct));
            Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(async () =>
                await workers[0].Session.EnqueueAsync([new BatchStoreItem("a\0b", "fp")], isLastChunk: true, Ct));
        }
        finally
        {
            await CloseAsync(workers);
        }
    }

    [Fact]
    public async Task Workers_claiming_at_once_never_get_the_same_key_and_drain_together()
    {
        server.Require();
        var name = NewBatchName();
        var items = Items(400);
        var workers = await OpenAsync(name, 4);
        var claimed = new ConcurrentBag<string>();
        try
        {
            await Task.WhenAll(workers.Select(async (w, index) =>
            {
                var random = new Random(42 + index);
                await EnqueueAllAsync(w.Session, items);
                while (true)
                {
                    var batch = await w.Session.ClaimAsync(random.Next(1, 9), Ct);
                    if (batch.Drained)
                    {
                        break;
                    }

                    foreach (var claim in batch.Claims)
                    {
                        Assert.Equal(BatchClaimKind.Submit, claim.Kind);
                        claimed.Add(claim.Key);
                        Assert.Equal(BatchSubmitStart.Recorded, await w.Session.BeginSubmitAsync(claim.Key, 1, Ct));
                        await w.Session.RecordAsync(new BatchRecord(claim.Key, BatchJournalEvent.Submitted) { GenerationId = "g-" + claim.Key }, Ct);
                        await w.Session.RecordAsync(new BatchRecord(claim.Key, BatchJournalEvent.Succeeded) { GenerationId = "g-" + claim.Key, Credits = 1 }, Ct);
                    }

                    if (batch.Claims.Count == 0)
                    {
                        await Task.Delay(50, Ct);
                    }
                }
            }));

            Assert.Equal(400, claimed.Count);
            Assert.Equal(400, claimed.Distinct(StringComparer.Ordinal).Count());
            var status = await workers[0].Store.GetStatusAsync(Ct);
            Assert.Equal(400, status.Counts[BatchJournalEvent.Succeeded]);
            Assert.Equal(400, status.CreditsSpent);
            Assert.Equal(0, status.CreditsReserved);
        }
        finally
        {
            await CloseAsync(workers);
        }
    }

    [Fact]
    public async Task The_fleet_budget_is_never_exceeded_whatever_the_interleaving()
    {
        server.Require();
        const long budget = 600;
        var name = NewBatchName();
        var items = Items(250);
        var workers = await OpenAsync(name, 4, new BatchRunSettings { CreditBudget = budget });
        var granted = new ConcurrentBag<(string Key, long Credits)>();
        using var done = new CancellationTokenSource();
        var highest = 0L;
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var status = await workers[0].Store.GetStatusAsync(Ct);
                highest = Math.Max(highest, status.CreditsReserved + status.CreditsSpent);
                await Task.Delay(5, Ct);
            }
        }, Ct);
        try
        {
            await Task.WhenAll(workers.Select(async (w, index) =>
            {
                var random = new Random(7 + index);
                await EnqueueAllAsync(w.Session, items);
                while (true)
                {
                    var batch = await w.Session.ClaimAsync(random.Next(1, 5), Ct);
                    if (batch.Drained)
                    {
                        break;
                    }

                    // The draws are made here, in order, so the run is the same for a seed whatever the timing.
                    var plans = batch.Claims.Select(claim => (claim.Key, Reserve: random.Next(1, 21), Outcome: random.Next(4), Delay: random.Next(0, 3), Actual: random.Next(1, 1000))).ToList();
                    await Task.WhenAll(plans.Select(async plan =>
                    {
                        await Task.Delay(plan.Delay, Ct);
                        if (await w.Session.BeginSubmitAsync(plan.Key, plan.Reserve, Ct) != BatchSubmitStart.Recorded)
                        {
                            return;
                        }

                        granted.Add((plan.Key, plan.Reserve));
                        if (plan.Outcome == 0)
                        {
                            await w.Session.RecordAsync(new BatchRecord(plan.Key, BatchJournalEvent.Refused), Ct);
                            return;
                        }

                        if (plan.Outcome == 1)
                        {
                            await w.Session.RecordAsync(new BatchRecord(plan.Key, BatchJournalEvent.Unknown), Ct);
                            return;
                        }

                        await w.Session.RecordAsync(new BatchRecord(plan.Key, BatchJournalEvent.Submitted) { GenerationId = "g-" + plan.Key }, Ct);
                        await Task.Delay(plan.Delay, Ct);
                        await w.Session.RecordAsync(
                            plan.Outcome == 2
                                ? new BatchRecord(plan.Key, BatchJournalEvent.Succeeded) { GenerationId = "g-" + plan.Key, Credits = 1 + (plan.Actual % plan.Reserve) }
                                : new BatchRecord(plan.Key, BatchJournalEvent.Failed) { GenerationId = "g-" + plan.Key, Error = "ServiceException" },
                            Ct);
                    }));
                }
            }));
        }
        finally
        {
            await done.CancelAsync();
            await watcher;
        }

        try
        {
            var status = await workers[0].Store.GetStatusAsync(Ct);
            Assert.True(highest <= budget, $"reserved + spent reached {highest}, over the budget of {budget}");
            Assert.True(status.CreditsSpent <= budget);
            Assert.Equal(0, status.CreditsReserved);
            Assert.Equal(budget, status.CreditBudget);
            Assert.True(status.Pending > 0, "the budget should have skipped some items");
            Assert.NotEmpty(granted);
            await AssertLedgerMatchesItemsAsync(name);
        }
        finally
        {
            await CloseAsync(workers);
        }
    }

    [Fact]
    public async Task A_dead_workers_submitted_items_come_back_as_resume_claims_and_its_submitting_items_become_unknown()
    {
        server.Require();
        var name = NewBatchName();
        var items = Items(6);
        var dying = (await OpenAsync(name, 1, options: Dying))[0];
        await EnqueueAllAsync(dying.Session, items);
        var first = await dying.Session.ClaimAsync(6, Ct);
        Assert.Equal(6, first.Claims.Count);
        foreach (var key in new[] { "k0", "k1", "k2", "k3" })
        {
            Assert.Equal(BatchSubmitStart.Recorded, await dying.Session.BeginSubmitAsync(key, 10, Ct));
        }

        await dying.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Submitted) { GenerationId = "g0" }, Ct);
        await dying.Session.RecordAsync(new BatchRecord("k1", BatchJournalEvent.Submitted) { GenerationId = "g1" }, Ct);

        // k0 and k1 are posted with ids, k2 and k3 are being posted, k4 and k5 are only claimed.
        await ((PostgreSqlBatchSession)dying.Session).StopHeartbeatAsync();

        var taker = (await OpenAsync(name, 1))[0];
        try
        {
            await EnqueueAllAsync(taker.Session, items);
            var claims = new List<BatchClaim>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (claims.Count < 4 && DateTime.UtcNow < deadline)
            {
                var batch = await taker.Session.ClaimAsync(10, Ct);
                Assert.False(batch.Drained);
                claims.AddRange(batch.Claims);
                await Task.Delay(100, Ct);
            }

            var resumed = claims.Where(c => c.Kind == BatchClaimKind.Resume).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(["k0", "k1"], resumed.Select(c => c.Key));
            Assert.Equal(["g0", "g1"], resumed.Select(c => c.GenerationId));
            Assert.All(resumed, c => Assert.Equal(10, c.Record!.Credits));
            Assert.Equal(["k4", "k5"], claims.Where(c => c.Kind == BatchClaimKind.Submit).Select(c => c.Key).Order(StringComparer.Ordinal));

            var status = await taker.Store.GetStatusAsync(Ct);
            Assert.Equal(["k2", "k3"], status.UnknownKeys.Order(StringComparer.Ordinal));
            Assert.Equal(20, status.CreditsReserved);
            Assert.Equal(20, status.CreditsSpent);

            // The taker polls by id and finishes them; the rest is posted by it.
            await taker.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Succeeded) { GenerationId = "g0", Credits = 8 }, Ct);
            await taker.Session.RecordAsync(new BatchRecord("k1", BatchJournalEvent.Failed) { GenerationId = "g1" }, Ct);
            foreach (var key in new[] { "k4", "k5" })
            {
                Assert.Equal(BatchSubmitStart.Recorded, await taker.Session.BeginSubmitAsync(key, 10, Ct));
                await taker.Session.RecordAsync(new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = "g-" + key }, Ct);
                await taker.Session.RecordAsync(new BatchRecord(key, BatchJournalEvent.Succeeded) { GenerationId = "g-" + key, Credits = 10 }, Ct);
            }

            Assert.True((await taker.Session.ClaimAsync(4, Ct)).Drained);
            status = await taker.Store.GetStatusAsync(Ct);
            Assert.Equal(3, status.Counts[BatchJournalEvent.Succeeded]);
            Assert.Equal(8 + 10 + 10 + 20, status.CreditsSpent);
            Assert.Equal(0, status.CreditsReserved);
            await AssertLedgerMatchesItemsAsync(name);
        }
        finally
        {
            await CloseAsync([dying, taker]);
        }
    }

    [Fact]
    public async Task Items_whose_owner_has_no_worker_row_at_all_are_taken_over_too()
    {
        server.Require();
        var name = NewBatchName();
        var gone = (await OpenAsync(name, 1))[0];
        await EnqueueAllAsync(gone.Session, Items(1));
        await gone.Session.ClaimAsync(1, Ct);
        Assert.Equal(BatchSubmitStart.Recorded, await gone.Session.BeginSubmitAsync("k0", 3, Ct));
        await gone.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Submitted) { GenerationId = "g0" }, Ct);
        await ((PostgreSqlBatchSession)gone.Session).StopHeartbeatAsync();

        // Someone cleaned the workers table by hand: the item must not stay owned by nobody alive.
        await ExecuteAsync("DELETE FROM gih_batch_workers WHERE batch_name = $1", name);

        var taker = (await OpenAsync(name, 1))[0];
        try
        {
            var claim = Assert.Single((await taker.Session.ClaimAsync(4, Ct)).Claims);
            Assert.Equal(BatchClaimKind.Resume, claim.Kind);
            Assert.Equal("g0", claim.GenerationId);
        }
        finally
        {
            await CloseAsync([gone, taker]);
        }
    }

    /// <summary>
    /// A worker whose claim another worker put back to pending (it took the worker for dead) while the worker's submit
    /// waited: the worker's next claim took it again, so the runner held two copies, and the second copy's begin found
    /// the first's "submitting" record as its own and answered recorded: two POSTs. The worker now never claims a key
    /// it still has in hand; the copy in hand finds the item no longer its own.
    /// </summary>
    [Fact]
    public async Task A_worker_never_claims_again_an_item_it_still_has_in_hand_when_another_put_it_back()
    {
        server.Require();
        var name = NewBatchName();
        var worker = (await OpenAsync(name, 1))[0];
        try
        {
            await EnqueueAllAsync(worker.Session, Items(2));
            Assert.Equal("k0", Assert.Single((await worker.Session.ClaimAsync(1, Ct)).Claims).Key);

            // What a taker's release does to a claim whose owner it found dead.
            await ExecuteAsync("UPDATE gih_batch_items SET state = 'pending', owner_id = NULL WHERE batch_name = $1 AND key = 'k0'", name);

            Assert.Equal(["k1"], (await worker.Session.ClaimAsync(4, Ct)).Claims.Select(c => c.Key));
            Assert.Equal(BatchSubmitStart.ClaimLost, await worker.Session.BeginSubmitAsync("k0", 3, Ct));

            // Out of its hands now: this worker may claim it like any pending item, and post it once.
            var again = Assert.Single((await worker.Session.ClaimAsync(4, Ct)).Claims);
            Assert.Equal(("k0", BatchClaimKind.Submit), (again.Key, again.Kind));
            Assert.Equal(BatchSubmitStart.Recorded, await worker.Session.BeginSubmitAsync("k0", 3, Ct));
        }
        finally
        {
            await CloseAsync([worker]);
        }
    }

    [Fact]
    public async Task A_worker_cut_off_past_its_lease_still_records_the_id_of_the_job_it_posted()
    {
        server.Require();
        var name = NewBatchName();
        var zombie = (await OpenAsync(name, 1, options: Dying))[0];
        await EnqueueAllAsync(zombie.Session, Items(1));
        await zombie.Session.ClaimAsync(1, Ct);
        Assert.Equal(BatchSubmitStart.Recorded, await zombie.Session.BeginSubmitAsync("k0", 5, Ct));
        await ((PostgreSqlBatchSession)zombie.Session).StopHeartbeatAsync();

        var taker = (await OpenAsync(name, 1))[0];
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((await taker.Store.GetStatusAsync(Ct)).UnknownKeys.Count == 0 && DateTime.UtcNow < deadline)
            {
                await taker.Session.ClaimAsync(1, Ct);
                await Task.Delay(100, Ct);
            }

            Assert.Equal(["k0"], (await taker.Store.GetStatusAsync(Ct)).UnknownKeys);

            // The POST's answer arrives after the takeover: the id is kept and the item is polled again.
            await zombie.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Submitted) { GenerationId = "g0" }, Ct);
            var status = await taker.Store.GetStatusAsync(Ct);
            Assert.Equal(1, status.Counts[BatchJournalEvent.Submitted]);
            Assert.Equal(5, status.CreditsReserved);
            Assert.Equal(0, status.CreditsSpent);
            await zombie.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Succeeded) { GenerationId = "g0", Credits = 5 }, Ct);
            await AssertLedgerMatchesItemsAsync(name);
        }
        finally
        {
            await CloseAsync([zombie, taker]);
        }
    }

    [Fact]
    public async Task Refused_not_sent_and_skipped_items_are_final_within_a_run_and_offered_again_in_the_next()
    {
        server.Require();
        var name = NewBatchName();
        var items = Items(4);
        var first = (await OpenAsync(name, 1, new BatchRunSettings { CreditBudget = 25 }))[0];
        await EnqueueAllAsync(first.Session, items);
        Assert.Equal(4, (await first.Session.ClaimAsync(10, Ct)).Claims.Count);
        Assert.Equal(BatchSubmitStart.Recorded, await first.Session.BeginSubmitAsync("k0", 10, Ct));
        await first.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Refused) { Error = "ValidationException" }, Ct);
        await first.Session.RecordAsync(new BatchRecord("k1", BatchJournalEvent.NotSent) { Error = "HttpRequestException" }, Ct);
        Assert.Equal(BatchSubmitStart.Recorded, await first.Session.BeginSubmitAsync("k2", 20, Ct));
        await first.Session.RecordAsync(new BatchRecord("k2", BatchJournalEvent.Unknown), Ct);
        Assert.Equal(BatchSubmitStart.OverBudget, await first.Session.BeginSubmitAsync("k3", 10, Ct));

        // Within the run: nothing comes back, and the batch is drained.
        var again = await first.Session.ClaimAsync(10, Ct);
        Assert.Empty(again.Claims);
        Assert.True(again.Drained);
        await first.Session.DisposeAsync();

        // A new run (no worker alive) offers the refused, not sent and skipped items again, not the unknown one.
        var second = await first.Store.OpenAsync(new BatchRunSettings { CreditBudget = 100 }, Ct);
        await EnqueueAllAsync(second, items);
        Assert.Equal(["k0", "k1", "k3"], (await second.ClaimAsync(10, Ct)).Claims.Select(c => c.Key));
        await second.DisposeAsync();

        // Unknown items are offered again only when the run says so.
        var third = await first.Store.OpenAsync(new BatchRunSettings { ResubmitUnknown = true }, Ct);
        try
        {
            await EnqueueAllAsync(third, items);
            Assert.Equal(["k0", "k1", "k2", "k3"], (await third.ClaimAsync(10, Ct)).Claims.Select(c => c.Key));
        }
        finally
        {
            await third.DisposeAsync();
            await first.Store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Finished_keys_are_never_claimed_again_by_a_later_run_and_the_status_still_counts_them()
    {
        server.Require();
        var name = NewBatchName();
        var items = Items(3);
        var first = (await OpenAsync(name, 1))[0];
        await EnqueueAllAsync(first.Session, items);
        Assert.Equal(3, (await first.Session.ClaimAsync(10, Ct)).Claims.Count);
        foreach (var key in new[] { "k0", "k1" })
        {
            Assert.Equal(BatchSubmitStart.Recorded, await first.Session.BeginSubmitAsync(key, 8, Ct));
            await first.Session.RecordAsync(new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = "g-" + key }, Ct);
        }

        await first.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Succeeded) { GenerationId = "g-k0", Credits = 8 }, Ct);
        await first.Session.RecordAsync(new BatchRecord("k1", BatchJournalEvent.Failed) { GenerationId = "g-k1", Error = "GenerationFailedException" }, Ct);
        await first.Session.DisposeAsync();

        // The next run enqueues the same keys: only the one never submitted is claimed, and the batch then drains.
        var second = await first.Store.OpenAsync(new BatchRunSettings { ResubmitUnknown = true }, Ct);
        try
        {
            await EnqueueAllAsync(second, items);
            Assert.Equal(["k2"], (await second.ClaimAsync(10, Ct)).Claims.Select(c => c.Key));
            Assert.Equal(BatchSubmitStart.Recorded, await second.BeginSubmitAsync("k2", 8, Ct));
            await second.RecordAsync(new BatchRecord("k2", BatchJournalEvent.Submitted) { GenerationId = "g-k2" }, Ct);
            await second.RecordAsync(new BatchRecord("k2", BatchJournalEvent.Succeeded) { GenerationId = "g-k2", Credits = 8 }, Ct);
            var drained = await second.ClaimAsync(10, Ct);
            Assert.Empty(drained.Claims);
            Assert.True(drained.Drained);

            var status = await first.Store.GetStatusAsync(Ct);
            Assert.Equal((2L, 1L, 16L), (status.Counts[BatchJournalEvent.Succeeded], status.Counts[BatchJournalEvent.Failed], status.CreditsSpent));
        }
        finally
        {
            await second.DisposeAsync();
            await first.Store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Status_reports_counts_credits_budget_and_unknown_keys()
    {
        server.Require();
        var name = NewBatchName();
        var worker = (await OpenAsync(name, 1, new BatchRunSettings { CreditBudget = 1000 }))[0];
        try
        {
            await EnqueueAllAsync(worker.Session, Items(8));
            await worker.Session.ClaimAsync(6, Ct);
            foreach (var key in new[] { "k0", "k1", "k2", "k3", "k4" })
            {
                Assert.Equal(BatchSubmitStart.Recorded, await worker.Session.BeginSubmitAsync(key, 10, Ct));
            }

            await worker.Session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Submitted) { GenerationId = "g0" }, Ct);
            await worker.Session.RecordAsync(new BatchRecord("k1", BatchJournalEvent.Submitted) { GenerationId = "g1" }, Ct);
            await worker.Session.RecordAsync(
                new BatchRecord("k1", BatchJournalEvent.Succeeded)
                {
                    GenerationId = "g1",
                    Credits = 7,
                    Generation = GptImageHubModelFactory.ImageGeneration("g1", GenerationStatus.Succeeded, images: [GptImageHubModelFactory.GeneratedImage("i1", new Uri("https://cdn.example/i1.png"))]),
                },
                Ct);
            await worker.Session.RecordAsync(new BatchRecord("k2", BatchJournalEvent.Unknown) { Error = "TimeoutException" }, Ct);
            await worker.Session.RecordAsync(new BatchRecord("k3", BatchJournalEvent.Refused), Ct);

            var status = await worker.Store.GetStatusAsync(Ct);
            Assert.Equal(8, status.Total);
            Assert.Equal(3, status.Pending); // k5 claimed, k6 and k7 pending
            Assert.Equal(1, status.Counts[BatchJournalEvent.Submitted]);
            Assert.Equal(1, status.Counts[BatchJournalEvent.Submitting]);
            Assert.Equal(1, status.Counts[BatchJournalEvent.Succeeded]);
            Assert.Equal(1, status.Counts[BatchJournalEvent.Unknown]);
            Assert.Equal(1, status.Counts[BatchJournalEvent.Refused]);
            Assert.Equal(20, status.CreditsReserved); // k0 submitted, k4 submitting
            Assert.Equal(17, status.CreditsSpent); // k1's 7 and k2's 10
            Assert.Equal(1000, status.CreditBudget);
            Assert.Equal(["k2"], status.UnknownKeys);

            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
            await using var command = dataSource.CreateCommand("SELECT generation->'images'->0->>'url' FROM gih_batch_items WHERE batch_name = $1 AND key = 'k1'");
            command.Parameters.Add(new NpgsqlParameter { Value = name });
            Assert.Equal("https://cdn.example/i1.png", await command.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await CloseAsync([worker]);
        }
    }

    [Fact]
    public async Task Calls_repeated_after_a_lost_answer_change_nothing()
    {
        server.Require();
        var name = NewBatchName();
        var worker = (await OpenAsync(name, 1, new BatchRunSettings { CreditBudget = 100 }))[0];
        try
        {
            await EnqueueAllAsync(worker.Session, Items(1));
            await worker.Session.ClaimAsync(1, Ct);

            // What a retry after an ambiguous commit does: the same call again.
            Assert.Equal(BatchSubmitStart.Recorded, await worker.Session.BeginSubmitAsync("k0", 30, Ct));
            Assert.Equal(BatchSubmitStart.Recorded, await worker.Session.BeginSubmitAsync("k0", 30, Ct));
            Assert.Equal(30, (await worker.Store.GetStatusAsync(Ct)).CreditsReserved);
            var submitted = new BatchRecord("k0", BatchJournalEvent.Submitted) { GenerationId = "g0" };
            await worker.Session.RecordAsync(submitted, Ct);
            await worker.Session.RecordAsync(submitted, Ct);
            var succeeded = new BatchRecord("k0", BatchJournalEvent.Succeeded) { GenerationId = "g0", Credits = 25 };
            await worker.Session.RecordAsync(succeeded, Ct);
            await worker.Session.RecordAsync(succeeded, Ct);

            var status = await worker.Store.GetStatusAsync(Ct);
            Assert.Equal(0, status.CreditsReserved);
            Assert.Equal(25, status.CreditsSpent);
            await AssertLedgerMatchesItemsAsync(name);
        }
        finally
        {
            await CloseAsync([worker]);
        }
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_handed_out_later_so_the_batch_still_drains()
    {
        server.Require();
        var name = NewBatchName();
        var worker = (await OpenAsync(name, 1))[0];
        try
        {
            await EnqueueAllAsync(worker.Session, Items(2));
            var session = (PostgreSqlBatchSession)worker.Session;

            // What a claim committed behind a cut connection leaves: rows owned by this worker that it never saw.
            Assert.Equal(2, await ExecuteAsync("UPDATE gih_batch_items SET state = 'claimed', owner_id = $2 WHERE batch_name = $1", name, session.WorkerId));

            var claims = await session.ClaimAsync(5, Ct);
            Assert.Equal(["k0", "k1"], claims.Claims.Select(c => c.Key));
            Assert.Empty((await session.ClaimAsync(5, Ct)).Claims);
            foreach (var claim in claims.Claims)
            {
                await session.RecordAsync(new BatchRecord(claim.Key, BatchJournalEvent.NotSent), Ct);
            }

            Assert.True((await session.ClaimAsync(5, Ct)).Drained);
        }
        finally
        {
            await CloseAsync([worker]);
        }
    }

    [Fact]
    public async Task Workers_opening_together_join_one_run_and_a_later_one_starts_the_next()
    {
        server.Require();
        var name = NewBatchName();
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady)).ToList();
        var sessions = await Task.WhenAll(stores.Select(s => s.OpenAsync(new BatchRunSettings(), Ct).AsTask()));
        try
        {
            var runs = sessions.Select(s => ((PostgreSqlBatchSession)s).Run).Distinct().ToList();
            Assert.Single(runs);
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }

            await using var later = await stores[0].OpenAsync(new BatchRunSettings(), Ct);
            Assert.Equal(runs[0] + 1, ((PostgreSqlBatchSession)later).Run);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_outage_pauses_the_calls_and_they_complete_when_it_is_back()
    {
        server.RequireRestartable();
        var name = NewBatchName();
        var worker = (await OpenAsync(name, 1))[0];
        try
        {
            await EnqueueAllAsync(worker.Session, Items(4));
            var claims = (await worker.Session.ClaimAsync(2, Ct)).Claims;
            Assert.Equal(BatchSubmitStart.Recorded, await worker.Session.BeginSubmitAsync(claims[0].Key, 10, Ct));

            await server.StopAsync();
            var record = worker.Session.RecordAsync(new BatchRecord(claims[0].Key, BatchJournalEvent.Submitted) { GenerationId = "g0" }, Ct).AsTask();
            var begin = worker.Session.BeginSubmitAsync(claims[1].Key, 10, Ct).AsTask();
            var claim = worker.Session.ClaimAsync(2, Ct).AsTask();
            var status = worker.Store.GetStatusAsync(Ct).AsTask();
            await Task.Delay(TimeSpan.FromSeconds(2), Ct);
            Assert.False(record.IsCompleted || begin.IsCompleted || claim.IsCompleted || status.IsCompleted, "the calls should wait for the database");

            await server.StartAsync();
            await record.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(BatchSubmitStart.Recorded, await begin.WaitAsync(TimeSpan.FromSeconds(30), Ct));
            var more = await claim.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(["k2", "k3"], more.Claims.Select(c => c.Key));
            await status.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.True(((PostgreSqlBatchSession)worker.Session).Retries > 0);

            var after = await worker.Store.GetStatusAsync(Ct);
            Assert.Equal(1, after.Counts[BatchJournalEvent.Submitted]);
            Assert.Equal(1, after.Counts[BatchJournalEvent.Submitting]);
            Assert.Equal(20, after.CreditsReserved);
            await AssertLedgerMatchesItemsAsync(name);
        }
        finally
        {
            await CloseAsync([worker]);
        }
    }

    /// <summary>
    /// The fleet in one process, with a fake service that counts POSTs per key: four workers run 1,000
    /// items as the batch runner will (claim, reserve, post, record the id, poll, record the outcome); one
    /// is killed mid-run, at whatever step each of its items was, and the database is restarted once.
    /// </summary>
    [Fact]
    public async Task A_fleet_with_a_killed_worker_and_a_database_restart_posts_no_key_twice_and_leaves_none_stuck()
    {
        server.RequireRestartable();
        const int count = 1000;
        const long price = 10;
        var name = NewBatchName();
        var items = Items(count);
        var posts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var postedIds = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var succeeded = 0;
        var resumed = 0;
        var victim = (await OpenAsync(name, 1, new BatchRunSettings { CreditBudget = count * price }, Dying))[0];
        var others = await OpenAsync(name, 3, new BatchRunSettings { CreditBudget = count * price });
        var killRequested = false;
        var started = DateTime.UtcNow;

        async Task WorkAsync(BatchStoreSession session, int seed, bool isVictim)
        {
            var random = new Random(seed);
            await EnqueueAllAsync(session, items);
            while (true)
            {
                var batch = await session.ClaimAsync(8, Ct);
                if (batch.Drained)
                {
                    return;
                }

                if (batch.Claims.Count == 0)
                {
                    await Task.Delay(100, Ct);
                    continue;
                }

                // The victim's last batch dies with its items spread over every step: reserved but not
                // posted, posted but its id not recorded, id recorded but not finished.
                var dying = isVictim && Volatile.Read(ref killRequested) && batch.Claims.Count(c => c.Kind == BatchClaimKind.Submit) >= 3;
                var delays = batch.Claims.Select(_ => random.Next(0, 4)).ToList();
                await Task.WhenAll(batch.Claims.Select(async (claim, i) =>
                {
                    var diesAt = dying ? (i % 3) + 1 : 0;
                    var id = claim.GenerationId;
                    if (claim.Kind == BatchClaimKind.Submit)
                    {
                        if (await session.BeginSubmitAsync(claim.Key, price, Ct) != BatchSubmitStart.Recorded || diesAt == 1)
                        {
                            return;
                        }

                        posts.AddOrUpdate(claim.Key, 1, (_, n) => n + 1);
                        id = "g-" + claim.Key + "-" + Guid.NewGuid().ToString("N")[..6];
                        postedIds[id] = claim.Key;
                        await Task.Delay(delays[i], Ct);
                        if (diesAt == 2)
                        {
                            return;
                        }

                        await session.RecordAsync(new BatchRecord(claim.Key, BatchJournalEvent.Submitted) { GenerationId = id }, Ct);
                    }
                    else
                    {
                        Interlocked.Increment(ref resumed);
                    }

                    // Polling: the id must be one the service handed out for this very key.
                    Assert.Equal(claim.Key, postedIds[id!]);
                    await Task.Delay(delays[i], Ct);
                    if (diesAt != 0)
                    {
                        return;
                    }

                    await session.RecordAsync(new BatchRecord(claim.Key, BatchJournalEvent.Succeeded) { GenerationId = id, Credits = price }, Ct);
                    Interlocked.Increment(ref succeeded);
                }));

                if (dying)
                {
                    throw new OperationCanceledException("killed");
                }
            }
        }

        try
        {
            var victimRun = Task.Run(() => WorkAsync(victim.Session, 1, isVictim: true), Ct);
            var fleet = others.Select((w, i) => Task.Run(() => WorkAsync(w.Session, 2 + i, isVictim: false), Ct)).ToList();

            await UntilAsync(() => Volatile.Read(ref succeeded) >= count / 4, [victimRun, .. fleet]);

            // SIGKILL, as far as the store can tell: the victim stops mid-batch and beats no more.
            Volatile.Write(ref killRequested, true);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => victimRun);
            await ((PostgreSqlBatchSession)victim.Session).StopHeartbeatAsync();

            await UntilAsync(() => Volatile.Read(ref succeeded) >= count / 2, fleet);

            await server.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            await server.StartAsync();

            await Task.WhenAll(fleet).WaitAsync(TimeSpan.FromMinutes(3), Ct);
            var status = await others[0].Store.GetStatusAsync(Ct);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"fleet: {count} items, {posts.Values.Sum()} POSTs, {status.Counts.GetValueOrDefault(BatchJournalEvent.Succeeded)} succeeded, {status.UnknownKeys.Count} unknown, {resumed} resumed by id, {DateTime.UtcNow - started:g}");

            Assert.All(posts, p => Assert.Equal(1, p.Value));
            Assert.Equal(count, status.Total);
            Assert.Equal(0, status.Pending);
            Assert.Equal(count, status.Counts.GetValueOrDefault(BatchJournalEvent.Succeeded) + status.UnknownKeys.Count);
            Assert.Equal(0, status.CreditsReserved);
            Assert.Equal(count * price, status.CreditsSpent);

            // Unknown are exactly the victim's items caught between their reservation and their id; those
            // it had an id for were polled by id by another worker.
            Assert.InRange(status.UnknownKeys.Count, 2, 6);
            Assert.InRange(resumed, 1, 3);
            Assert.All(items.Select(i => i.Key).Except(status.UnknownKeys), key => Assert.Equal(1, posts[key]));
            await AssertLedgerMatchesItemsAsync(name);
        }
        finally
        {
            await CloseAsync([victim, .. others]);
        }
    }

    /// <summary>Waits for a condition, failing at once if a worker failed and after a minute in any case.</summary>
    private static async Task UntilAsync(Func<bool> condition, IReadOnlyList<Task> workers)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition())
        {
            if (workers.FirstOrDefault(w => w.IsFaulted) is { } failed)
            {
                await failed;
            }

            Assert.True(DateTime.UtcNow < deadline, "the fleet made no progress for a minute");
            await Task.Delay(20, Ct);
        }
    }

    private static string NewBatchName() => $"test-{Guid.NewGuid():N}";

    private static List<BatchStoreItem> Items(int count) =>
        Enumerable.Range(0, count).Select(i => new BatchStoreItem($"k{i}", $"fp-{i}")).ToList();

    private static async Task EnqueueAllAsync(BatchStoreSession session, List<BatchStoreItem> items)
    {
        for (var start = 0; start < items.Count; start += 100)
        {
            var chunk = items.Skip(start).Take(100).ToList();
            await session.EnqueueAsync(chunk, start + 100 >= items.Count, Ct);
        }

        if (items.Count == 0)
        {
            await session.EnqueueAsync([], isLastChunk: true, Ct);
        }
    }

    private async Task<List<(PostgreSqlBatchStore Store, BatchStoreSession Session)>> OpenAsync(
        string name, int count, BatchRunSettings? settings = null, PostgreSqlBatchStoreOptions? options = null)
    {
        var workers = new List<(PostgreSqlBatchStore, BatchStoreSession)>();
        for (var i = 0; i < count; i++)
        {
            var store = new PostgreSqlBatchStore(server.ConnectionString!, name, options ?? PostgreSqlTests.Steady);
            workers.Add((store, await store.OpenAsync(settings ?? new BatchRunSettings(), Ct)));
        }

        return workers;
    }

    private static async Task CloseAsync(List<(PostgreSqlBatchStore Store, BatchStoreSession Session)> workers)
    {
        foreach (var (store, session) in workers)
        {
            await session.DisposeAsync();
            await store.DisposeAsync();
        }
    }

    /// <summary>Runs a statement on the batch tables behind the store's back (what another worker, or a hand, would do); returns the rows it touched.</summary>
    private async Task<int> ExecuteAsync(string sql, params object[] values)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>The batch row's running totals equal the sums over its items: no settle was lost or counted twice.</summary>
    private async Task AssertLedgerMatchesItemsAsync(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
        await using var command = dataSource.CreateCommand(
            """
            SELECT b.credits_reserved, b.credits_spent,
                   (SELECT coalesce(sum(credits_reserved), 0) FROM gih_batch_items WHERE batch_name = $1 AND state IN ('submitting', 'submitted')),
                   (SELECT coalesce(sum(credits_spent), 0) FROM gih_batch_items WHERE batch_name = $1)
            FROM gih_batch_batches b WHERE b.name = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(reader.GetInt64(2), reader.GetInt64(0));
        Assert.Equal(reader.GetInt64(3), reader.GetInt64(1));
    }
}
