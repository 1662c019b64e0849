using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>
/// A batch over a consumer's decorator, whose submit reached the service (and was charged) before the
/// decorator failed in a call of its own. Only an exception the SDK's own submit threw can say that
/// nothing was charged: before, the decorator's own argument check, the SDK's "disposed" exception from
/// another client, or another call's refusal was journaled as not sent or refused, and the next run with
/// the same journal sent the item again. An exception of the SDK's submit that the decorator passes on
/// unchanged still says what it says, so a decorator costs a batch nothing.
/// </summary>
public sealed class BatchDecoratorChargeTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-batch-decorator-").FullName;
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    private string Journal => Path.Combine(_directory, "batch.jsonl");

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(30) }, T);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("its own argument check")]
    [InlineData("a call on a disposed SDK client")]
    [InlineData("a call the service refused")]
    public async Task A_decorator_that_fails_after_its_submit_was_charged_has_its_paid_job_followed_and_sends_it_once_over_two_runs(string failure)
    {
        var key = _hub.CreateApiKey(credits: 1000);
        using var inner = FastClient(_hub.BaseAddress, key);
        var decorator = new SubmitThenFail(inner, () => FailAfterSubmitAsync(failure));
        var items = Items(1);

        var first = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var second = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        // The SDK's submit within the call named the one job it paid for: the batch follows it by id to its images.
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(first).Status);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.True(second[0].FromJournal);
        Assert.Equal(first[0].GenerationId, second[0].GenerationId);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
        Assert.Equal(1, decorator.Submits);
    }

    [Fact]
    public async Task A_refusal_of_the_SDKs_own_submit_passed_on_by_a_decorator_still_fails_the_item_as_refused()
    {
        // No credits: the service refuses the POST with its documented 402 and charges nothing.
        using var inner = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 0));
        var decorator = new SubmitThenFail(inner, afterSubmit: null);

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Failed, result.Status);
        Assert.IsType<InsufficientCreditsException>(result.Error);
    }

    [Fact]
    public async Task The_SDKs_own_disposed_refusal_passed_on_by_a_decorator_still_says_nothing_was_sent()
    {
        var inner = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 1000));
        inner.Dispose();
        var decorator = new SubmitThenFail(inner, afterSubmit: null);

        var (results, error) = await CollectUntilErrorAsync(decorator.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, T));

        // Journaled as not sent, so a later run with a live client may send it: it never reached the service.
        Assert.Null(error);
        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Failed, result.Status);
        Assert.IsType<ObjectDisposedException>(result.Error);
        Assert.Contains("\"not_sent\"", await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
    }

    private async Task FailAfterSubmitAsync(string failure)
    {
        switch (failure)
        {
            case "its own argument check":
                throw new ArgumentException("The decorator's own check failed after its submit.");
            case "a call on a disposed SDK client":
                var disposed = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 1));
                disposed.Dispose();
                await disposed.GetCreditsAsync(T);
                break;
            default:
                // A documented refusal (401) of another call: the kind the charge rule reads as "refused, not charged".
                using (var wrongKey = FastClient(_hub.BaseAddress, "gih_live_notakeythisemulatorknows000000"))
                {
                    await wrongKey.GetCreditsAsync(T);
                }

                break;
        }

        throw new InvalidOperationException($"The failure '{failure}' did not happen.");
    }

    /// <summary>A consumer's decorator: submits through the SDK's client, then runs a step of its own that can fail.</summary>
    private sealed class SubmitThenFail(IGptImageHubClient inner, Func<Task>? afterSubmit) : SubmitDecorator(inner)
    {
        private int _submits;

        public int Submits => Volatile.Read(ref _submits);

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var operation = await Inner.StartImageGenerationAsync(request, cancellationToken);
            Interlocked.Increment(ref _submits);
            if (afterSubmit is not null)
            {
                await afterSubmit();
            }

            return operation;
        }
    }
}
