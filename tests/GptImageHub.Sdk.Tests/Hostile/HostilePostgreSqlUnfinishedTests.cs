using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A PostgreSQL worker whose wait for one of its own jobs ended without an outcome (Polling.Timeout, a poll that failed
/// for good) reports that item Incomplete with its id and leaves it <c>submitted</c> in the store for a later run. The
/// worker must then finish (promise 3: never hang), as it does over the file journal.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlUnfinishedTests(PostgreSqlServer server) : PostgreSqlEmulatorTestBase(server, TimeSpan.FromMinutes(5), PostgreSqlTests.Steady)
{
    // Found by a hostile run (promise 3): the store kept the timed-out item "submitted" and owned by the live worker,
    // so it never told that worker it was drained; the worker asked again every 500 ms for ever, and the caller's
    // await foreach never ended.
    [Fact]
    public async Task A_worker_whose_wait_for_its_own_job_timed_out_reports_it_incomplete_and_finishes()
    {
        Server.Require();
        using var client = NewClient(credits: 1000);
        await using var store = NewStore("hostile-unfinished");
        var item = Items(1, "slow")[0];
        var options = new BatchOptions
        {
            Store = store,
            Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(50), MaxInterval = TimeSpan.FromMilliseconds(50), Timeout = TimeSpan.FromMilliseconds(300) },
        };

        var results = await CollectAsync(client.GenerateBatchAsync([item], options, Ct)).WaitAsync(RunBound, Ct);

        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Incomplete, result.Status);
        Assert.NotNull(result.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));

        // The store still has it as a paid job to follow by id, not as work to post.
        var status = await store.GetStatusAsync(Ct);
        Assert.Equal(1, status.Counts[BatchJournalEvent.Submitted]);
    }

    // Found by a hostile run (promise 3): an item claimed and then not submitted by the runner's own decision (the batch
    // stopped submitting after a 402, a disposed client, a price it could not estimate under a budget) was reported
    // Skipped but left "claimed" by the live worker in the store, which therefore never called the worker drained.
    [Fact]
    public async Task A_worker_that_stopped_submitting_after_a_402_reports_the_rest_skipped_and_finishes()
    {
        Server.Require();
        using var client = NewClient(credits: 0);
        await using var store = NewStore("hostile-broke");
        var items = Items(3, "broke");

        var results = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1 }, Ct)).WaitAsync(RunBound, Ct);

        Assert.Equal(items.Select(i => i.Key), results.Select(r => r.Key));
        Assert.Equal([BatchItemStatus.Failed, BatchItemStatus.Skipped, BatchItemStatus.Skipped], results.Select(r => r.Status));
        Assert.IsType<InsufficientCreditsException>(results[0].Error);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }
}
