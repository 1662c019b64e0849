using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch.PostgreSql;
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
public sealed class HostilePostgreSqlDecoratorTests(PostgreSqlServer server) : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions(), T);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Items_a_retrying_decorator_failed_with_a_429_after_a_charged_attempt_stay_unknown_for_the_next_worker()
    {
        server.Require();
        var key = _hub.CreateApiKey(credits: 1000);
        using var inner = FastClient(_hub.BaseAddress, key);
        var decorator = new RetryOnce(inner, () =>
        {
            _hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
            _hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        });
        var items = Items(3, "pgdecorated");
        var name = $"hostile-decorator-{Guid.NewGuid():N}";

        List<BatchItemResult> first;
        await using (var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady))
        {
            first = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1 }, T)).WaitAsync(TimeSpan.FromSeconds(60), T);
        }

        var posts = _hub.Ledger.GenerationRequests.Count;
        List<BatchItemResult> second;
        await using (var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady))
        {
            second = await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 3 }, T)).WaitAsync(TimeSpan.FromSeconds(60), T);
        }

        Assert.All(first, r => Assert.Equal(BatchItemStatus.Unknown, r.Status));

        // The fleet store offers a later run only what is still to do (a status report lists the rest): nothing here.
        Assert.Empty(second);
        Assert.Equal(posts, _hub.Ledger.GenerationRequests.Count);
        Assert.Equal(items.Count, _hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
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
