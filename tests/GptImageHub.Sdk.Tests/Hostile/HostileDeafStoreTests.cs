using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's batch store whose step never ends and ignores its token (a database driver that does not honour
/// cancellation, a lock taken without one): the caller's stop was never obeyed, and the batch hung for good (promise 3).
/// The runner now stops waiting for a store step when its token fires (the stop, or the record grace after it for the
/// records and the session's release), leaving the step to end on its own; a paid job's result still names its id.
/// </summary>
public sealed class HostileDeafStoreTests() : EmulatorAndDirectory("gih-hostile-deaf-")
{
    public enum StoreStep
    {
        Open,
        Enqueue,
        Claim,
        BeginSubmit,
        RecordSubmitted,
        Dispose,
    }

    [Theory]
    [InlineData(StoreStep.Open)]
    [InlineData(StoreStep.Enqueue)]
    [InlineData(StoreStep.Claim)]
    [InlineData(StoreStep.BeginSubmit)]
    [InlineData(StoreStep.RecordSubmitted)]
    [InlineData(StoreStep.Dispose)]
    public async Task A_stop_ends_the_batch_though_a_store_step_ignores_its_token(StoreStep deaf)
    {
        var time = new FakeTimeProvider();
        using var client = new GptImageHubClient(
            new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions { ApiKey = Hub.CreateApiKey(credits: 1000), BaseAddress = Hub.BaseAddress, MaxRetries = 0, TimeProvider = time });
        var store = new DeafStore(new FileBatchStore(Journal), deaf);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(Items(1, "deaf"), new BatchOptions { Store = store }, stop.Token));

        // The dispose comes at the end of a run: stopped once the job's id is recorded, the run ends there.
        await (deaf == StoreStep.Dispose ? store.Submitted : store.Deaf).WaitAsync(TimeSpan.FromSeconds(10), T);
        await stop.CancelAsync();

        // The record grace runs on the client's clock: moved on a second at a time until the run ends.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, T);
        }

        Assert.True(run.IsCompleted, $"the batch still waited for the store's {deaf} 10 s after the stop");
        Assert.True(store.Deaf.IsCompleted);
        var (results, error) = await run;
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        if (deaf is StoreStep.RecordSubmitted or StoreStep.Dispose)
        {
            // Paid for: the result names the job, whatever the store did with its record.
            var paid = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge);
            var result = Assert.Single(results);
            Assert.Equal(BatchItemStatus.Incomplete, result.Status);
            Assert.Equal(paid.GenerationId, result.GenerationId);
        }
        else
        {
            Assert.Empty(Hub.Ledger.GenerationRequests);
        }
    }

    /// <summary>Forwards to the file store, but its <see cref="StoreStep"/> never ends and ignores its token.</summary>
    private sealed class DeafStore(BatchStore inner, StoreStep deaf) : ForwardingBatchStore(inner)
    {
        private readonly TaskCompletionSource _deaf = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _submitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StoreStep _step = deaf;

        public Task Deaf => _deaf.Task;

        public Task Submitted => _submitted.Task;

        public override async ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken)
        {
            await HangIf(StoreStep.Open);
            return await base.OpenAsync(settings, cancellationToken);
        }

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private async Task HangIf(StoreStep step)
        {
            if (step == _step)
            {
                _deaf.TrySetResult();
                await new TaskCompletionSource().Task;
            }
        }

        private sealed class Session(DeafStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken)
            {
                await store.HangIf(StoreStep.Enqueue);
                await Inner.EnqueueAsync(items, isLastChunk, cancellationToken);
            }

            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                await store.HangIf(StoreStep.Claim);
                return await Inner.ClaimAsync(maxCount, cancellationToken);
            }

            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                await store.HangIf(StoreStep.BeginSubmit);
                return await Inner.BeginSubmitAsync(key, credits, cancellationToken);
            }

            public override async ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken)
            {
                if (record.Event == BatchJournalEvent.Submitted)
                {
                    await store.HangIf(StoreStep.RecordSubmitted);
                    await Inner.RecordAsync(record, cancellationToken);
                    store._submitted.TrySetResult();
                    return;
                }

                await Inner.RecordAsync(record, cancellationToken);
            }

            public override async ValueTask DisposeAsync()
            {
                await store.HangIf(StoreStep.Dispose);
                await base.DisposeAsync();
            }
        }
    }
}
