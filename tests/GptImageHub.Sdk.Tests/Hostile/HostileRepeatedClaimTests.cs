using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A store that offers an item again while this run's submit of it is still waiting on the store (the PostgreSQL
/// store did: another worker took the waiting worker for dead and put its claim back, and the waiting worker's own
/// claim loop took it again). The runner started a second copy; each copy found the "submitting" record as its own
/// (the PostgreSQL store answers a repeated begin by the same worker as recorded, since that is how a lost answer is
/// retried) and posted: paid twice. The repeat is now ignored and logged, whatever the store.
/// </summary>
public sealed class HostileRepeatedClaimTests() : EmulatorAndDirectory("gih-hostile-repeat-")
{
    [Theory]
    [InlineData(BatchClaimKind.Submit)]
    [InlineData(BatchClaimKind.Report)]
    public async Task An_item_offered_again_while_its_submit_waits_on_the_store_is_posted_once(BatchClaimKind repeatAs)
    {
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000), loggers: Loggers(out var logs));
        var item = Items(1, "repeat")[0];
        var store = new RepeatingStore(new FileBatchStore(Journal), repeatAs);

        var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, MaxConcurrency = 2 }, T))
            .WaitAsync(TimeSpan.FromSeconds(30), T);

        Assert.Null(error);
        Assert.True(store.Repeated, "the store never got to offer the item again");
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 15);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(item.Key, warning.Message, StringComparison.Ordinal);
    }

    private static ILoggerFactory Loggers(out FakeLogCollector logs)
    {
        var collector = new FakeLogCollector();
        logs = collector;
        return LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
    }

    /// <summary>
    /// Forwards to the file store. The item's first begin waits until the runner has taken the item offered again and
    /// asked for more work (its next claim), or until a second copy begins it; both copies get the file store's one
    /// answer, as a store that takes a repeated begin for a lost answer's retry would give.
    /// </summary>
    private sealed class RepeatingStore(BatchStore inner, BatchClaimKind repeatAs) : ForwardingBatchStore(inner)
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _go = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<BatchSubmitStart> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly BatchClaimKind _repeatAs = repeatAs;
        private string? _offerAgain;
        private int _begins;

        public bool Repeated { get; private set; }

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(RepeatingStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                var claims = await Inner.ClaimAsync(maxCount, cancellationToken);
                lock (store._gate)
                {
                    if (store.Repeated)
                    {
                        // Asked for more after the repeat: the runner has dealt with it.
                        store._go.TrySetResult();
                    }
                    else if (store._offerAgain is { } key && claims.Claims.Count < maxCount)
                    {
                        store.Repeated = true;
                        var repeat = new BatchClaim(key, store._repeatAs) { Record = store._repeatAs == BatchClaimKind.Report ? new BatchRecord(key, BatchJournalEvent.Unknown) : null };
                        return new BatchClaims([.. claims.Claims, repeat], Drained: false);
                    }
                }

                return claims;
            }

            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref store._begins) > 1)
                {
                    // A second copy: let the first go, and answer as the first is answered.
                    store._go.TrySetResult();
                    return await store._answer.Task;
                }

                lock (store._gate)
                {
                    store._offerAgain = key;
                }

                await store._go.Task.WaitAsync(cancellationToken);
                var answer = await Inner.BeginSubmitAsync(key, credits, cancellationToken);
                store._answer.SetResult(answer);
                return answer;
            }
        }
    }
}
