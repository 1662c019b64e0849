using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A stop while the store writes an item's "submitting" record, after the write landed but before it answered (a slow
/// disk or database). Nothing was posted, yet the record stayed, so every later run reported the item unknown (possibly
/// charged), never posted it, and counted its credits against the budget. It is now recorded not sent.
/// </summary>
public sealed class HostileStopDuringBeginTests() : EmulatorAndDirectory("gih-hostile-begin-")
{
    [Fact]
    public async Task A_stop_after_the_submitting_record_landed_leaves_the_item_to_post_in_the_next_run()
    {
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(1, "begin");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var landed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new LandThenHangStore(new FileBatchStore(Journal), landed);

        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store }, stop.Token));
        await landed.Task.WaitAsync(TimeSpan.FromSeconds(10), T);
        await stop.CancelAsync();
        var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(10), T);

        var skipped = Assert.Single(first);
        Assert.Equal(BatchItemStatus.Skipped, skipped.Status);
        Assert.Empty(Hub.Ledger.GenerationRequests);

        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);

        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    /// <summary>The file store, whose submitting record is written and then answered only when the caller gives up.</summary>
    private sealed class LandThenHangStore(BatchStore inner, TaskCompletionSource landed) : ForwardingBatchStore(inner)
    {
        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(session, landed);

        private sealed class Session(BatchStoreSession inner, TaskCompletionSource landed) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                Assert.Equal(BatchSubmitStart.Recorded, await Inner.BeginSubmitAsync(key, credits, cancellationToken));
                landed.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new System.Diagnostics.UnreachableException();
            }
        }
    }
}
