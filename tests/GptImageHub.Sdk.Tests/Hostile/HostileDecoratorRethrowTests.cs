using System.Runtime.ExceptionServices;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A decorator that passes on, unchanged, a refusal the SDK's own submit really threw, but not the only
/// submit it made for that call: its own retry that first lost a charged answer and then met a 429, a
/// second submit refused after the first was charged, or an earlier call's refusal kept and thrown again
/// after a charged submit. The SDK's mark was by identity alone, so each was read "refused, nothing
/// charged": the item failed, the journal said refused, and the next run paid for it again. A refusal now
/// counts only when every SDK submit made within that call failed uncharged and it is one of theirs.
/// </summary>
public sealed class HostileDecoratorRethrowTests() : EmulatorAndDirectory("gih-hostile-decorator-")
{
    [Theory]
    [InlineData("its own retry lost a charged answer, then met a 429")]
    [InlineData("a second submit was refused after the first was charged")]
    [InlineData("an earlier call's refusal is thrown again after a charged submit")]
    [InlineData("two submits at once, one charged and one refused, are awaited with Task.WhenAll")]
    public async Task A_decorator_that_rethrows_an_SDK_refusal_after_a_charged_submit_never_fails_the_item_as_refused_and_pays_once_over_two_runs(string behaviour)
    {
        var key = Hub.CreateApiKey(credits: 1000);
        using var inner = FastClient(Hub.BaseAddress, key);
        IGptImageHubClient decorator = behaviour switch
        {
            "its own retry lost a charged answer, then met a 429" => new RetryingDecorator(inner, () =>
            {
                Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
                Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
            }),
            "a second submit was refused after the first was charged" => new SubmitsTwice(inner, () =>
                Hub.Faults.FailNext(402, "insufficientCredits", endpoint: EmulatorEndpoint.CreateGeneration)),
            "an earlier call's refusal is thrown again after a charged submit" => new RethrowsAnEarlierRefusal(inner, await EarlierRefusalAsync(inner)),
            _ => new SubmitsTwoAtOnce(inner, () => Hub.Faults.FailNext(402, "insufficientCredits", endpoint: EmulatorEndpoint.CreateGeneration)),
        };
        var items = Items(1, "decorated");
        var postsBefore = Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt);

        var first = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var postsAfterFirstRun = Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt);
        var second = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        // Possibly charged, never refused: unknown where the charged answer was lost, and where it named its job (the one
        // paid submit of the call), that job followed by id to its images.
        var expected = behaviour.StartsWith("its own retry", StringComparison.Ordinal) ? BatchItemStatus.Unknown : BatchItemStatus.Succeeded;
        Assert.Equal(expected, Assert.Single(first).Status);
        Assert.Equal(expected, Assert.Single(second).Status);
        Assert.True(postsAfterFirstRun > postsBefore);
        Assert.Equal(postsAfterFirstRun, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_retrying_decorator_whose_every_attempt_was_refused_still_fails_the_item_as_refused()
    {
        // Two 429s: no attempt reached the service's charge, so the refusal it passes on is the truth.
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var decorator = new RetryingDecorator(inner, () => Hub.Faults.FailNext(429, "rate_limited", count: 2, endpoint: EmulatorEndpoint.CreateGeneration));

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Failed, result.Status);
        Assert.IsType<RateLimitedException>(result.Error);
        Assert.Contains("\"rejected\"", await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
    }

    /// <summary>A refusal of the SDK's own submit, for a request made before the batch.</summary>
    private async Task<Exception> EarlierRefusalAsync(GptImageHubClient inner)
    {
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        return await Assert.ThrowsAsync<RateLimitedException>(() => inner.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "earlier") { Quality = ImageQuality.Tier1K }, T));
    }

    /// <summary>A consumer's retry: tries twice on a lost connection or a 429, and passes on the last failure with <c>throw;</c>.</summary>
    private sealed class RetryingDecorator(IGptImageHubClient inner, Action arrange) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            arrange();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await Inner.StartImageGenerationAsync(request, cancellationToken);
                }
                catch (GptImageHubException ex) when (attempt < 2 && ex is GptImageHubConnectionException or RateLimitedException)
                {
                }
                catch (GptImageHubException)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>Submits the request and a variation of it; a refused variation fails the call (passed on with ExceptionDispatchInfo).</summary>
    private sealed class SubmitsTwice(IGptImageHubClient inner, Action beforeVariation) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var operation = await Inner.StartImageGenerationAsync(request, cancellationToken);
            beforeVariation();
            try
            {
                await Inner.StartImageGenerationAsync(new ImageGenerationRequest(request.Model, request.Prompt + " (variation)") { Quality = request.Quality }, cancellationToken);
            }
            catch (GptImageHubException ex)
            {
                ExceptionDispatchInfo.Capture(ex).Throw();
            }

            return operation;
        }
    }

    /// <summary>Submits the request and a variation of it at once; Task.WhenAll passes on whichever was refused (one of the two, either way).</summary>
    private sealed class SubmitsTwoAtOnce(IGptImageHubClient inner, Action arrange) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            arrange();
            var original = Inner.StartImageGenerationAsync(request, cancellationToken);
            var variation = Inner.StartImageGenerationAsync(new ImageGenerationRequest(request.Model, request.Prompt + " (variation)") { Quality = request.Quality }, cancellationToken);
            await Task.WhenAll(original, variation);
            return await original;
        }
    }

    /// <summary>Keeps an earlier refusal and, once its own submit returns, fails the call with it (as a faulted task).</summary>
    private sealed class RethrowsAnEarlierRefusal(IGptImageHubClient inner, Exception earlier) : SubmitDecorator(inner)
    {
        public override Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            Inner.StartImageGenerationAsync(request, cancellationToken).ContinueWith(_ => Task.FromException<GenerationOperation>(earlier), TaskScheduler.Default).Unwrap();
    }
}
