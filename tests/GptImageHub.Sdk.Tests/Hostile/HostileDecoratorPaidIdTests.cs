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
/// names it when the call paid for exactly one.
/// </summary>
public sealed class HostileDecoratorPaidIdTests() : EmulatorAndDirectory("gih-hostile-decorator-paid-id-")
{
    [Fact]
    public async Task A_decorator_that_fails_after_the_SDK_submit_was_paid_leaves_the_item_unknown_with_the_paid_id_in_result_and_journal()
    {
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new FailsAfterSubmit(inner);
        var items = Items(1, "audited");

        var first = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var second = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        var paid = Assert.Single(decorator.Paid);
        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(first).Status);
        Assert.Equal(paid, first[0].GenerationId);

        // Its reason says so too: "its generation id never came back" beside the id read as a contradiction.
        Assert.Equal($"Unknown, charged: the service named generation '{paid}' before the submit failed. It is never submitted again; follow it by id (WaitForGenerationAsync, gih wait).", first[0].Reason);
        Assert.Equal(first[0].Reason, second[0].Reason);
        Assert.Contains(paid, await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
        Assert.Equal(paid, Assert.Single(second).GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task ResubmitUnknown_never_posts_again_an_unknown_item_of_the_file_journal_whose_generation_id_came_back()
    {
        // ResubmitUnknown is for items whose id never came back; one whose id did is a job that exists and was paid for.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(1, "resubmitted");
        var first = Assert.Single(await CollectAsync(new FailsAfterSubmit(inner).GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        var second = Assert.Single(await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, ResubmitUnknown = true }, T)));

        Assert.Equal(BatchItemStatus.Unknown, first.Status);
        Assert.NotNull(first.GenerationId);
        Assert.Equal(BatchItemStatus.Unknown, second.Status);
        Assert.Equal(first.GenerationId, second.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_decorator_that_wraps_an_SDK_exception_naming_the_paid_job_leaves_the_item_unknown_with_that_id()
    {
        // The charged answer names the job, then is unreadable: the SDK's exception carries the id, the wrapper's does not.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        Hub.Faults.RespondNext(202, "{\"object\":\"image_generation\",\"id\":\"gen_wrapped\",\"status\":", "application/json", endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var decorator = new WrapsFailures(inner);

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(Items(1, "wrapped"), new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal("gen_wrapped", Assert.IsType<InvalidResponseException>(result.Error!.InnerException).GenerationId);
        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Equal("gen_wrapped", result.GenerationId);
        Assert.Contains("gen_wrapped", await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
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
