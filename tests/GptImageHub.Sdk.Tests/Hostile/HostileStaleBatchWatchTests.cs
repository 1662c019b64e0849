using System.Threading.Channels;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The batch's stop reaches the SDK's submits through the execution context of the item's call. A consumer's
/// decorator that starts a long-lived worker from its first call (a queue that serialises submits) carries that
/// context on after the item and the batch have ended: the batch's stop (cancelled when every batch ends, even a
/// finished one) must not follow it there, or every later submit through the decorator, in or out of a batch, is
/// refused "stopped before sending", and a later batch records its items possibly charged and holds them back.
/// </summary>
public sealed class HostileStaleBatchWatchTests() : EmulatorAndDirectory("gih-hostile-stalewatch-")
{
    [Fact]
    public async Task A_decorator_worker_started_in_a_finished_batch_still_submits_after_it()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        using var sdk = FastClient(Hub.BaseAddress, key);
        using var client = new QueuedSubmits(sdk);

        var first = await CollectAsync(client.GenerateBatchAsync(Items(1, "stale-first"), new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(first).Status);

        // Outside any batch: the worker's context is the first batch's item's.
        var operation = await client.StartImageGenerationAsync(Items(1, "stale-direct")[0].Request, T).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.NotNull(operation.Id);

        // A second batch through the same decorator.
        var second = await CollectAsync(client.GenerateBatchAsync(Items(2, "stale-second"), new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.All(second, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.Equal(4, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    /// <summary>Submits one at a time on a worker started by the first call, as a rate-limiting wrapper would.</summary>
    private sealed class QueuedSubmits(IGptImageHubClient inner) : SubmitDecorator(inner), IDisposable
    {
        private readonly Channel<(ImageGenerationRequest Request, TaskCompletionSource<GenerationOperation> Done)> _queue =
            Channel.CreateUnbounded<(ImageGenerationRequest, TaskCompletionSource<GenerationOperation>)>();

        private Task? _worker;

        public override Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            _worker ??= Task.Run(WorkAsync, CancellationToken.None);
            var done = new TaskCompletionSource<GenerationOperation>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Writer.TryWrite((request, done));
            return done.Task;
        }

        public void Dispose() => _queue.Writer.TryComplete();

        private async Task WorkAsync()
        {
            await foreach (var (request, done) in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    done.SetResult(await Inner.StartImageGenerationAsync(request, CancellationToken.None));
                }
                catch (Exception ex)
                {
                    done.SetException(ex);
                }
            }
        }
    }
}
