using GptImageHub.Emulator;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The <see cref="HttpClient"/> a consumer hands the SDK (one from <c>IHttpClientFactory</c>) may retry on its own,
/// below the SDK, as a resilience handler does for any method. Its first attempt can reach the service and be
/// charged (the answer lost), and its last meet a refused connection, the service down by then: the SDK read only
/// that last failure, "the connection was refused, nothing sent", journaled the paid item not sent for the next run
/// to send again, and with MaxRetries sent it again at once. A refused connection says "not sent" only when the
/// request's body was never written to the network by any attempt, and an answer that refuses it says "refused" only
/// when no attempt but the one it answers wrote the body (its last could as well be a 429 or a 402).
/// </summary>
public sealed class HostileRetryingHandlerTests() : EmulatorAndDirectory("gih-hostile-retrying-handler-")
{
    [Fact]
    public async Task A_handler_retry_refused_after_a_charged_attempt_leaves_the_batch_item_unknown()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        using var client = FastClient(Hub.BaseAddress, key, new RetriesOnceAfter(() => Hub.DisposeAsync().AsTask()) { InnerHandler = new SocketsHttpHandler() });
        var journal = Journal;

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = journal }, T)));

        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(result.Error!));
        Assert.DoesNotContain("\"not_sent\"", await File.ReadAllTextAsync(journal, T), StringComparison.Ordinal);
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Theory]
    [InlineData(429, "rate_limited")]
    [InlineData(402, "insufficientCredits")]
    public async Task A_handler_retry_answered_with_a_refusal_after_a_charged_attempt_leaves_the_batch_item_unknown_and_pays_once_over_two_runs(int status, string code)
    {
        // The refusal answers the handler's second attempt only: its first reached the service and was charged.
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        Hub.Faults.FailNext(status, code, endpoint: EmulatorEndpoint.CreateGeneration);
        using var client = FastClient(Hub.BaseAddress, key, new RetriesOnceAfter(() => Task.CompletedTask) { InnerHandler = new SocketsHttpHandler() });
        var journal = Journal;
        var items = Items(1);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = journal }, T));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = journal }, T));

        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(first).Status);
        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(second).Status);
        Assert.True(((GptImageHubException)first[0].Error!).PossiblyCharged);
        Assert.Equal(2, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_handler_retry_that_cannot_read_a_one_shot_reference_image_again_after_a_charged_attempt_leaves_the_batch_item_unknown()
    {
        // The first attempt sent the whole image and was charged; the second cannot read a stream that does not seek again.
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        using var client = FastClient(Hub.BaseAddress, key, new RetriesOnceAfter(() => Task.CompletedTask) { InnerHandler = new SocketsHttpHandler() });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox from a one-shot stream") { Quality = ImageQuality.Tier1K, ReferenceImages = [ReferenceImage.FromStream(new ReferenceImages.MultipartRequestTests.NonSeekableStream(TestImages.Png(16)), "fox.png")] };
        var journal = Journal;

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync([new BatchItem("fox", request)], new BatchOptions { JournalPath = journal }, T)));

        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.True(((GptImageHubException)result.Error!).PossiblyCharged);
        Assert.DoesNotContain("\"not_sent\"", await File.ReadAllTextAsync(journal, T), StringComparison.Ordinal);
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_refusal_of_a_single_attempt_through_a_retrying_handler_is_still_refused()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        using var client = FastClient(Hub.BaseAddress, key, new RetriesOnceAfter(() => Task.CompletedTask) { InnerHandler = new SocketsHttpHandler() });

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal(SubmitOutcome.Refused, ChargeClassifier.Classify(error));
        Assert.False(error.PossiblyCharged);
    }

    [Fact]
    public async Task A_refused_connection_whose_body_was_never_written_is_still_not_sent()
    {
        // The service is down before the first attempt: nothing can have been charged.
        var key = Hub.CreateApiKey(credits: 1000);
        using var client = FastClient(Hub.BaseAddress, key, new RetriesOnceAfter(() => Task.CompletedTask) { InnerHandler = new SocketsHttpHandler() });
        await Hub.DisposeAsync();

        var error = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal(SubmitOutcome.NotSent, ChargeClassifier.Classify(error));
    }

    /// <summary>A consumer's resilience handler: a failed send is tried once more, as Polly's handlers do for any method unless told not to.</summary>
    private sealed class RetriesOnceAfter(Func<Task> beforeRetry) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                await beforeRetry();
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
