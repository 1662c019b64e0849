using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlTests(PostgreSqlServer server) : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(100) }, T);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    private GptImageHubClient Client(string key) => FastClient(_hub.BaseAddress, key);

    [Fact]
    public async Task A_key_too_big_for_the_index_fails_before_any_POST()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var random = new Random(7);
        var huge = new string([.. Enumerable.Range(0, 12000).Select(_ => (char)random.Next('a', 'z' + 1))]);
        var items = Items(3, "pghuge");
        items.Add(new BatchItem(huge, new ImageGenerationRequest("gpt-image-2", "pghuge big") { Quality = ImageQuality.Tier1K }));
        await using var store = new PostgreSqlBatchStore(server.ConnectionString!, $"hostile-huge-{Guid.NewGuid():N}", PostgreSqlTests.Steady);
        var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store }, T)).WaitAsync(TimeSpan.FromSeconds(60), T);
        Assert.True(error is null or IOException or ArgumentException, $"escaped {error}");
        if (error is not null)
        {
            Assert.Empty(_hub.Ledger.GenerationRequests);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Two_workers_cancelled_at_random_then_rerun_never_post_twice_and_report_every_charge(int seed)
    {
        var random = new Random(seed);
        var key = _hub.CreateApiKey(credits: 100000);
        using var client = Client(key);
        var name = $"hostile-fleet-{seed}-{Guid.NewGuid():N}";
        var items = Items(16, $"pg{seed}");
        var all = new List<BatchItemResult>();
        for (var round = 0; round < 2; round++)
        {
            var runs = Enumerable.Range(0, 2).Select(async _ =>
            {
                await using var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(T);
                cts.CancelAfter(random.Next(50, 500));
                return await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 3, CreditBudget = 100000 }, cts.Token));
            }).ToList();
            foreach (var (results, error) in await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60), T))
            {
                Assert.True(error is null or IOException or OperationCanceledException or GptImageHubException, $"escaped {error}");
                all.AddRange(results);
            }
        }

        await using (var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady))
        {
            var (final, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 4 }, T)).WaitAsync(TimeSpan.FromSeconds(60), T);
            Assert.Null(error);
            all.AddRange(final);
            Assert.All(final, r => Assert.True(r.Status is BatchItemStatus.Succeeded or BatchItemStatus.Unknown, $"{r.Key}: {r.Status} {r.Reason}"));
        }

        foreach (var item in items)
        {
            Assert.True(_hub.Ledger.CountGenerationRequests(item.Request.Prompt) <= 1, $"{item.Key} posted twice");
        }

        var ids = all.Where(r => r.GenerationId is not null).Select(r => r.GenerationId!).ToHashSet();
        var unknown = all.Where(r => r.Status == BatchItemStatus.Unknown).Select(r => r.Key).ToHashSet();
        var missing = _hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge && (e.GenerationId is null || !ids.Contains(e.GenerationId))).ToList();
        Assert.True(missing.Count <= unknown.Count, $"charges with no id in any result: {missing.Count}, unknown keys {unknown.Count}");
    }
}
