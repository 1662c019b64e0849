using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A PostgreSQL worker paused past its lease between claiming an item and recording its submit: the store handed the
/// claim to another worker, which posts it. The paused worker must not post it (promise 1), and its skip reason must
/// say what happened. It said "its N credits would take the batch past its budget of …" for a batch with no budget at
/// all, because the store answered the reservation with a bare false and the runner took every false for the budget.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlLostClaimTests(PostgreSqlServer server)
    : PostgreSqlEmulatorTestBase(server, TimeSpan.FromMilliseconds(50), ShortLease)
{
    [Theory]
    [InlineData(null)]
    [InlineData(1000L)]
    public async Task A_worker_whose_claim_another_worker_took_skips_the_item_saying_so_and_names_no_budget(long? budget)
    {
        Server.Require();
        var name = $"hostile-lost-claim-{Guid.NewGuid():N}";
        using var client = NewClient(credits: 1000);
        var item = Items(1, "lost")[0];
        await using var takerStore = Store(name);
        await using var taker = await takerStore.OpenAsync(new BatchRunSettings { CreditBudget = budget }, Ct);
        await using var pausedStore = Store(name);
        var paused = new PausingStore(pausedStore)
        {
            // Between its claim and its submit record, the worker's lease lapses and the other worker takes the item.
            BeforeBeginSubmit = async session =>
            {
                var lapsed = (PostgreSqlBatchSession)session;
                await lapsed.StopHeartbeatAsync();
                await SetLeaseAsync(lapsed.WorkerId, "'-infinity'");
                for (var deadline = DateTime.UtcNow + RunBound; DateTime.UtcNow < deadline; await Task.Delay(100, Ct))
                {
                    if ((await taker.ClaimAsync(1, Ct)).Claims.Any(c => c.Key == item.Key))
                    {
                        return;
                    }
                }

                Assert.Fail("the other worker never took the lapsed claim over");
            },

            // The other worker posts it and finishes it, so the paused one has nothing left to wait for.
            AfterBeginSubmit = async () =>
            {
                Assert.Equal(BatchSubmitStart.Recorded, await taker.BeginSubmitAsync(item.Key, 5, Ct));
                var operation = await client.StartImageGenerationAsync(item.Request, Ct);
                await taker.RecordAsync(new BatchRecord(item.Key, BatchJournalEvent.Submitted) { GenerationId = operation.Id }, Ct);
                await taker.RecordAsync(new BatchRecord(item.Key, BatchJournalEvent.Succeeded) { GenerationId = operation.Id, Credits = 5 }, Ct);
            },
        };

        var results = await CollectAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = paused, CreditBudget = budget }, Ct)).WaitAsync(RunBound, Ct);

        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Skipped, result.Status);
        Assert.DoesNotContain("budget", result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("another worker", result.Reason, StringComparison.Ordinal);
        Assert.Equal(BatchSubmitStart.ClaimLost, paused.Answer);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
    }

    /// <summary>Forwards to a store's session, and lets the test act around the submit record of the (one) item.</summary>
    private sealed class PausingStore(BatchStore inner) : ForwardingBatchStore(inner)
    {
        public required Func<BatchStoreSession, Task> BeforeBeginSubmit { get; init; }

        public required Func<Task> AfterBeginSubmit { get; init; }

        public BatchSubmitStart? Answer { get; private set; }

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(PausingStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                await store.BeforeBeginSubmit(Inner);
                store.Answer = await Inner.BeginSubmitAsync(key, credits, cancellationToken);
                await store.AfterBeginSubmit();
                return store.Answer.Value;
            }
        }
    }
}
