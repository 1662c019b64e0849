using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A batch item whose submit failed after the service named its job is recorded submitted with that id and
/// followed (e9617f3). The id came from <c>ChargeClassifier.PaidId(ex) ?? watch.OnlyPaidId()</c>: the id the
/// decorator's exception carries first. But any call the decorator makes after its submit can throw an exception
/// that names a job: a read of another job (a 404, a failed job) names that job, which this call never paid for.
/// The batch then followed the other job as this item's, reported its outcome as this item's, and the job the
/// submit did pay for was in no result and no journal line. A decorator that submitted twice left two paid jobs;
/// the batch named neither (or followed one and dropped the other without a word). The watch of the SDK's own
/// submits knows which jobs the call paid for: the batch now follows only such a job, and a call that paid for
/// several is reported unknown naming all of them. So is a call that returned a job other than the one it paid for
/// (a decorator's retry returning the second job, a fallback operation hiding the paid submit's failure): following
/// the returned job dropped the paid one.
/// </summary>
public sealed class HostileFollowedFailedSubmitTests() : EmulatorAndDirectory("gih-hostile-followed-failed-submit-")
{
    [Fact]
    public async Task A_decorator_whose_read_of_another_job_fails_after_its_paid_submit_has_the_paid_job_followed_not_the_other()
    {
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new ChecksAnotherJobAfterSubmit(inner, "gen_of_another_account");
        var items = Items(1, "checked");

        var first = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));
        var second = Assert.Single(await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, ResubmitUnknown = true }, T)));

        var paid = Assert.Single(decorator.Paid);
        Assert.Equal(BatchItemStatus.Succeeded, first.Status);
        Assert.Equal(paid, first.GenerationId);
        Assert.Contains(paid, await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
        Assert.Equal(paid, second.GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, second.Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_decorator_whose_read_of_an_earlier_items_job_fails_after_its_paid_submit_never_hands_this_item_that_jobs_images()
    {
        // The first item's job is real and finished: following it for the second item reported the first item's images as the second's.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(2, "shared");
        var earlier = Assert.Single(await CollectAsync(inner.GenerateBatchAsync([items[0]], new BatchOptions { JournalPath = Path.Combine(TempDirectory, "earlier.jsonl") }, T)));
        var decorator = new ChecksAnotherJobAfterSubmit(inner, earlier.GenerationId!, failWith: id => new GenerationFailedException("The earlier job's check failed.", statusCode: null, errorCode: "audit", generationId: id));

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync([items[1]], new BatchOptions { JournalPath = Journal }, T)));

        var paid = Assert.Single(decorator.Paid);
        Assert.NotEqual(earlier.GenerationId, paid);
        Assert.Equal(paid, result.GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal(paid, result.Generation!.Id);
        Assert.DoesNotContain(earlier.GenerationId!, await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decorator_that_submitted_twice_and_then_failed_has_both_paid_jobs_in_the_result_and_the_journal_and_neither_posted_again()
    {
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new SubmitsTwiceThenFails(inner);
        var items = Items(1, "twice");

        var first = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));
        var second = Assert.Single(await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(2, decorator.Paid.Count);
        Assert.Equal(BatchItemStatus.Unknown, first.Status);
        Assert.Contains(first.GenerationId, decorator.Paid);
        var journal = await File.ReadAllTextAsync(Journal, T);
        foreach (var paid in decorator.Paid)
        {
            Assert.Contains(paid, first.Reason, StringComparison.Ordinal);
            Assert.Contains(paid, journal, StringComparison.Ordinal);
        }

        Assert.Equal(BatchItemStatus.Unknown, second.Status);
        Assert.Equal(first.GenerationId, second.GenerationId);
        Assert.Equal(2, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_decorator_that_submitted_twice_and_returned_the_second_job_has_the_first_paid_job_named_in_result_and_journal()
    {
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new SubmitsTwiceThenFails(inner, returnSecond: true);
        var items = Items(1, "retried");

        var first = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));
        var second = Assert.Single(await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, ResubmitUnknown = true }, T)));

        Assert.Equal(2, decorator.Paid.Count);
        Assert.Equal(BatchItemStatus.Unknown, first.Status);
        Assert.Equal(decorator.Paid[1], first.GenerationId);
        var journal = await File.ReadAllTextAsync(Journal, T);
        foreach (var paid in decorator.Paid)
        {
            Assert.Contains(paid, first.Reason, StringComparison.Ordinal);
            Assert.Contains(paid, journal, StringComparison.Ordinal);
        }

        Assert.Equal(decorator.Paid[1], second.GenerationId);
        Assert.Equal(2, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_decorator_that_swallows_the_paid_submits_failure_and_returns_an_operation_of_its_own_has_the_paid_job_named()
    {
        // The charged answer names the job, then breaks off: the SDK's exception carries the id; the decorator hides it.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        Hub.Faults.RespondNext(202, "{\"object\":\"image_generation\",\"id\":\"gen_swallowed\",\"status\":", "application/json", endpoint: GptImageHub.Emulator.EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var decorator = new SwallowsFailures(inner);
        var items = Items(1, "swallowed");

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Equal("gen_swallowed", result.GenerationId);
        Assert.Contains("gen_fallback", result.Reason, StringComparison.Ordinal);
        Assert.Contains("gen_swallowed", await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public async Task A_failed_submit_whose_exception_names_a_blank_id_is_unknown_without_an_id_and_never_followed(string blank)
    {
        // A client the watch cannot see (not the SDK's) whose failure names a blank id: no job is named by it. It was
        // followed: journaled "submitted" with no real id, polled (a guard refused the read) and reported incomplete,
        // its reason telling the caller to WaitForGenerationAsync("").
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var client = new NamesBlankId(inner, blank);

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1, "blank"), new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Null(result.GenerationId);
        Assert.IsType<InvalidResponseException>(result.Error);
        Assert.Equal(0, client.Reads);
    }

    [Fact]
    public async Task A_decorator_that_submits_on_another_thread_and_then_fails_has_the_paid_job_followed()
    {
        // Held: the watch follows the execution context, which Task.Run and ConfigureAwait(false) hops carry.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new SubmitsOnAnotherThread(inner);
        var items = Items(1, "threaded");

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal(decorator.Paid, result.GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task A_decorator_built_on_GenerateImageAsync_whose_answer_broke_off_after_the_id_has_that_job_followed()
    {
        // GenerateImageAsync's exceptions are not the watch's to trust, so the id its broken answer named was not known
        // to the watch as paid: once only such ids were followed, this job was reported unknown, never followed. The
        // id is made up by the fault (the emulator's job has another): following it ends in a 404, incomplete with it.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        Hub.Faults.RespondNext(202, "{\"object\":\"image_generation\",\"id\":\"gen_whole\",\"status\":", "application/json", endpoint: GptImageHub.Emulator.EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var decorator = new SubmitsWithGenerateImage(inner);
        var items = Items(1, "whole");

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Incomplete, result.Status);
        Assert.Equal("gen_whole", result.GenerationId);
        Assert.IsType<NotFoundException>(result.Error);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    /// <summary>An audit layer that, after its submit, looks at a job it holds an id of; the look fails, and the failure is passed on.</summary>
    private sealed class ChecksAnotherJobAfterSubmit(IGptImageHubClient inner, string otherId, Func<string, Exception>? failWith = null) : SubmitDecorator(inner)
    {
        public List<string> Paid { get; } = [];

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var operation = await Inner.StartImageGenerationAsync(request, cancellationToken);
            Paid.Add(operation.Id);
            if (failWith is not null)
            {
                throw failWith(otherId);
            }

            // The emulator knows no such job: a NotFoundException naming it.
            await Inner.GetGenerationAsync(otherId, cancellationToken);
            throw new InvalidOperationException("unreachable: the other job was expected to be unknown");
        }
    }

    /// <summary>A layer that submits, submits again (its own retry), and then fails.</summary>
    private sealed class SubmitsTwiceThenFails(IGptImageHubClient inner, bool returnSecond = false) : SubmitDecorator(inner)
    {
        public List<string> Paid { get; } = [];

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            Paid.Add((await Inner.StartImageGenerationAsync(request, cancellationToken)).Id);
            var second = await Inner.StartImageGenerationAsync(request, cancellationToken);
            Paid.Add(second.Id);
            return returnSecond ? second : throw new InvalidOperationException("The audit store is down.");
        }
    }

    /// <summary>A client of the consumer's own (it never calls the SDK's submit) whose failure names a blank id.</summary>
    private sealed class NamesBlankId(IGptImageHubClient inner, string blank) : IGptImageHubClient
    {
        public int Reads { get; private set; }

        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidResponseException("The answer broke off.", System.Net.HttpStatusCode.Accepted, errorCode: null, generationId: blank);

        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => inner.GetModelsAsync(cancellationToken);

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => inner.GetCreditsAsync(cancellationToken);

        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default)
        {
            Reads++;
            return inner.GetGenerationAsync(generationId, cancellationToken);
        }

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) =>
            inner.WaitForGenerationAsync(generationId, progress, cancellationToken);

        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadImageAsync(image, destination, cancellationToken);
    }

    /// <summary>A layer that runs the SDK's submit on a pool thread, then fails on its own.</summary>
    private sealed class SubmitsOnAnotherThread(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public string? Paid { get; private set; }

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var operation = await Task.Run(() => Inner.StartImageGenerationAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            Paid = operation.Id;
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException("The audit store is down.");
        }
    }

    /// <summary>A layer whose submit waits for the whole job (GenerateImageAsync) and hands back a finished operation.</summary>
    private sealed class SubmitsWithGenerateImage(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            GptImageHubModelFactory.GenerationOperation(await Inner.GenerateImageAsync(request, cancellationToken));
    }

    /// <summary>A layer that hides a failed submit behind an operation of its own, as a fallback.</summary>
    private sealed class SwallowsFailures(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            try
            {
                return await Inner.StartImageGenerationAsync(request, cancellationToken);
            }
            catch (GptImageHubException)
            {
                return GptImageHubModelFactory.GenerationOperation(GptImageHubModelFactory.ImageGeneration("gen_fallback", GenerationStatus.Succeeded));
            }
        }
    }
}
