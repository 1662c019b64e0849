using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The fleet store records what the runner's charge rule decides, so a decorator's passed-on refusal after a
/// charged attempt must reach it as unknown: recorded refused, the next worker's run would offer the item again
/// and post it a second time. Guard: another worker's later run leaves every such item alone and posts nothing.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlDecoratorTests(PostgreSqlServer server)
    : PostgreSqlEmulatorTestBase(server, TimeSpan.Zero, PostgreSqlTests.Steady)
{
    [Fact]
    public async Task Items_a_retrying_decorator_failed_with_a_429_after_a_charged_attempt_stay_unknown_for_the_next_worker()
    {
        Server.Require();
        var key = Hub.CreateApiKey(credits: 1000);
        using var inner = FastClient(Hub.BaseAddress, key);
        var decorator = new RetryOnce(inner, () =>
        {
            Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
            Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        });
        var items = Items(3, "pgdecorated");
        var name = $"hostile-decorator-{Guid.NewGuid():N}";

        List<BatchItemResult> first;
        await using (var store = Store(name))
        {
            first = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1 }, Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        var posts = Hub.Ledger.GenerationRequests.Count;
        List<BatchItemResult> second;
        await using (var store = Store(name))
        {
            second = await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 3 }, Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        Assert.All(first, r => Assert.Equal(BatchItemStatus.Unknown, r.Status));

        // The fleet store offers a later run only what is still to do (a status report lists the rest): nothing here.
        Assert.Empty(second);
        Assert.Equal(posts, Hub.Ledger.GenerationRequests.Count);
        Assert.Equal(items.Count, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    /// <summary>
    /// The fleet store's case of <see cref="HostileSeveralPaidBudgetTests"/>: an item a decorator paid twice for counts
    /// two prices against the shared budget, so the item that would pass it is skipped.
    /// </summary>
    [Fact]
    public async Task An_item_a_decorator_paid_twice_for_counts_twice_against_the_fleet_budget()
    {
        Server.Require();
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(3, "pgseveral");
        var price = (await inner.EstimateCreditsAsync(items[0].Request, Ct)).Credits!.Value;
        await using var store = NewStore("hostile-several-paid");

        var results = await CollectAsync(new PaysTwiceForTheFirstSubmit(inner).GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1, CreditBudget = 3 * price }, Ct))
            .WaitAsync(TimeSpan.FromSeconds(60), Ct);

        HostileSeveralPaidBudgetTests.AssertBudgetHeld(results, items, price, Hub.Ledger.TotalCharged);
        var status = await store.GetStatusAsync(Ct);
        Assert.Equal(3 * price, status.CreditsSpent + status.CreditsReserved);
    }

    /// <summary>A consumer's retry: a lost connection is tried once more, and what the second attempt throws is passed on.</summary>
    private sealed class RetryOnce(IGptImageHubClient inner, Action arrange) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            arrange();
            try
            {
                return await Inner.StartImageGenerationAsync(request, cancellationToken);
            }
            catch (GptImageHubConnectionException)
            {
                return await Inner.StartImageGenerationAsync(request, cancellationToken);
            }
        }
    }
}
