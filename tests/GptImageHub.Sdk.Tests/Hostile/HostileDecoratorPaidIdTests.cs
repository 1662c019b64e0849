using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's decorator whose own code fails after the SDK's submit was paid (an audit store that is down, a
/// wrapper that puts the SDK's exception inside its own) leaves the batch an exception that names no job. The SDK's
/// submit had the id in hand (it returned it to the decorator, or threw it inside the wrapped exception), yet the
/// batch reported and journaled the item unknown without it: the paid job was lost to the run and to the next one.
/// The watch that already follows the SDK's submits within the call now also keeps the job they named, and the batch
/// names it when the call paid for exactly one, and follows it by id to its outcome like any posted item.
/// </summary>
public sealed class HostileDecoratorPaidIdTests() : EmulatorAndDirectory("gih-hostile-decorator-paid-id-")
{
    [Fact]
    public async Task A_decorator_that_fails_after_the_SDK_submit_was_paid_has_the_paid_job_followed_by_id_in_result_and_journal()
    {
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new FailsAfterSubmit(inner);
        var items = Items(1, "audited");

        var first = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var second = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        var paid = Assert.Single(decorator.Paid);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(first).Status);
        Assert.Equal(paid, first[0].GenerationId);
        Assert.Equal(paid, first[0].Generation!.Id);
        Assert.Contains(paid, await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.True(second[0].FromJournal);
        Assert.Equal(paid, second[0].GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task ResubmitUnknown_never_posts_again_an_item_of_the_file_journal_whose_failed_submit_named_its_job()
    {
        // ResubmitUnknown is for items whose id never came back; one whose id did is a job that exists and was paid for.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(1, "resubmitted");
        var first = Assert.Single(await CollectAsync(new FailsAfterSubmit(inner).GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        var second = Assert.Single(await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, ResubmitUnknown = true }, T)));

        Assert.Equal(BatchItemStatus.Succeeded, first.Status);
        Assert.NotNull(first.GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, second.Status);
        Assert.Equal(first.GenerationId, second.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_decorator_that_wraps_an_SDK_exception_naming_the_paid_job_has_that_id_followed_and_never_posted_again()
    {
        // The charged answer names the job, then is unreadable: the SDK's exception carries the id, the wrapper's does not.
        // The id here is made up by the fault (the emulator's job has another), so following it ends in a 404: the
        // item stays incomplete with that id, never posted again.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        Hub.Faults.RespondNext(202, "{\"object\":\"image_generation\",\"id\":\"gen_wrapped\",\"status\":", "application/json", endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var decorator = new WrapsFailures(inner);
        var items = Items(1, "wrapped");

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));
        var again = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, ResubmitUnknown = true }, T)));

        Assert.Equal(BatchItemStatus.Incomplete, result.Status);
        Assert.Equal("gen_wrapped", result.GenerationId);
        Assert.IsType<NotFoundException>(result.Error);
        Assert.Contains("gen_wrapped", await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
        Assert.Equal("gen_wrapped", again.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    /// <summary>An audit layer: the submit succeeds, then recording it fails.</summary>
    private sealed class FailsAfterSubmit(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public List<string> Paid { get; } = [];

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var operation = await Inner.StartImageGenerationAsync(request, cancellationToken);
            Paid.Add(operation.Id);
            throw new InvalidOperationException("The audit store is down.");
        }
    }

    /// <summary>A wrapper that puts every failure of the submit inside one of its own.</summary>
    private sealed class WrapsFailures(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            try
            {
                return await Inner.StartImageGenerationAsync(request, cancellationToken);
            }
            catch (GptImageHubException ex)
            {
                throw new InvalidOperationException("The image service failed.", ex);
            }
        }
    }
}
