using System.Diagnostics;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A caller who cancels a PostgreSQL batch while the database is down (promise 3: stay stoppable, promptly). Every
/// store call of the run waits through an outage until the caller's token stops it; leaving the batch, at the end,
/// tries on for a whole lease so that a finished batch hands its claims over even through a blip.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlOutageStopTests(PostgreSqlServer server) : PostgreSqlEmulatorTestBase(server, TimeSpan.FromMinutes(5), PostgreSqlTests.Steady)
{
    // Found by a hostile run (promise 3): the caller cancelled, and the batch's enumeration still took a whole lease
    // (20 s here, 30 s by default) to end, retrying the leave against a database that was not there. The lease runs
    // out by itself; a caller who stopped the batch does not wait for it.
    [Fact]
    public async Task A_batch_cancelled_while_its_database_is_down_ends_promptly_with_the_paid_id()
    {
        Server.RequireRestartable();
        using var client = NewClient(credits: 1000);
        await using var store = NewStore("hostile-outage-stop");
        var item = Items(1, "outage")[0];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store }, stop.Token));
        // Until the job's id is recorded: a record in flight when the database goes is given the record grace (5 s)
        // after the stop by design, and this asks about what follows (the leave), not that grace.
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !await SubmittedAsync(store) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
        await Server.StopAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            await stop.CancelAsync();
            var (results, error) = await run.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            watch.Stop();

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            var result = Assert.Single(results);
            Assert.Equal(BatchItemStatus.Incomplete, result.Status);
            Assert.NotNull(result.GenerationId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the cancelled batch took {watch.Elapsed} to end");
        }
        finally
        {
            await Server.StartAsync();
        }
    }

    private static async Task<bool> SubmittedAsync(BatchStore store) =>
        (await store.GetStatusAsync(Ct)).Counts.TryGetValue(BatchJournalEvent.Submitted, out var submitted) && submitted == 1;
}
