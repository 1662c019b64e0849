using GptImageHub.Emulator;
using GptImageHub.Sdk.Errors;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The request body counts its writes toward the network so that a handler below the SDK that retries cannot hide
/// an earlier, charged attempt behind a refusal of its last. A handler that reads the body first (to log it, to sign
/// it) copies it into memory: <c>LoadIntoBufferAsync</c> writes it once to the BCL's own buffer (on .NET 9 and later
/// no <see cref="MemoryStream"/>, so it counted as one write toward the network), and every attempt after that writes
/// from the buffer, which the body never sees; a handler that replaces the content with its copy even takes the
/// counting body out of the request. The charged first attempt was hidden: a 429 on the second read "refused", the
/// batch journaled the paid item refused and the next run paid for it again. A body that was copied may have been
/// sent any number of times: what ends it is possibly charged.
/// </summary>
public sealed class HostileBufferingHandlerTests() : EmulatorAndDirectory("gih-hostile-buffering-handler-")
{
    [Fact]
    public async Task A_handler_that_buffers_the_body_then_retries_into_a_429_after_a_charged_attempt_leaves_the_batch_item_unknown_and_pays_once_over_two_runs()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        using var client = FastClient(Hub.BaseAddress, key, new BuffersThenRetriesOnce(replaceContent: false) { InnerHandler = new SocketsHttpHandler() });
        var journal = Journal;
        var items = Items(1);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = journal }, T));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = journal }, T));

        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(first).Status);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(first[0].Error!));
        Assert.True(((GptImageHubException)first[0].Error!).PossiblyCharged);
        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(second).Status);
        Assert.Equal(2, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_handler_that_replaces_the_body_with_its_copy_then_retries_into_a_429_after_a_charged_attempt_says_possibly_charged()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        using var client = FastClient(Hub.BaseAddress, key, new BuffersThenRetriesOnce(replaceContent: true) { InnerHandler = new SocketsHttpHandler() });

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.True(error.PossiblyCharged);
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_handler_that_buffers_the_body_then_retries_into_a_refused_connection_after_a_charged_attempt_says_possibly_charged()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        using var client = FastClient(Hub.BaseAddress, key, new BuffersThenRetriesOnce(replaceContent: false, () => Hub.DisposeAsync().AsTask()) { InnerHandler = new SocketsHttpHandler() });

        var error = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.True(error.PossiblyCharged);
    }

    [Fact]
    public async Task A_handler_that_reads_the_body_as_a_stream_then_retries_into_a_429_after_a_charged_attempt_says_possibly_charged()
    {
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration);
        using var client = FastClient(Hub.BaseAddress, key, new StreamsThenRetriesOnce { InnerHandler = new SocketsHttpHandler() });

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_handler_that_reads_a_one_shot_reference_image_body_to_log_a_charged_attempt_that_failed_says_possibly_charged()
    {
        // The first attempt sent the whole image and was charged; reading the body to log the failure cannot read the image again.
        var key = Hub.CreateApiKey(credits: 1000);
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        using var client = FastClient(Hub.BaseAddress, key, new LogsTheBodyOfAFailedSend { InnerHandler = new SocketsHttpHandler() });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox from a one-shot stream") { Quality = ImageQuality.Tier1K, ReferenceImages = [ReferenceImage.FromStream(new ReferenceImages.MultipartRequestTests.NonSeekableStream(Infrastructure.TestImages.Png(16)), "fox.png")] };

        var error = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(request, T));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.True(error.PossiblyCharged);
        Assert.Equal(1, Hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    /// <summary>A consumer's handler that reads the body of a send that failed, to log what was sent.</summary>
    private sealed class LogsTheBodyOfAFailedSend : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                using var logged = new MemoryStream();
                await request.Content!.CopyToAsync(logged, cancellationToken);
                throw;
            }
        }
    }

    /// <summary>A consumer's handler that reads the body (to log or sign it), then tries a failed send once more.</summary>
    private sealed class BuffersThenRetriesOnce(bool replaceContent, Func<Task>? beforeRetry = null) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            if (replaceContent)
            {
                var copy = new ByteArrayContent(body);
                foreach (var header in request.Content.Headers)
                {
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = copy;
            }

            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                await (beforeRetry?.Invoke() ?? Task.CompletedTask);
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }

    /// <summary>A consumer's handler that reads the body as a stream into a copy it sends, then tries a failed send once more with another copy.</summary>
    private sealed class StreamsThenRetriesOnce : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var original = request.Content!;
            using var read = await original.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            await read.CopyToAsync(buffer, cancellationToken);
            try
            {
                request.Content = Copy(original, buffer.ToArray());
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                request.Content = Copy(original, buffer.ToArray());
                return await base.SendAsync(request, cancellationToken);
            }
        }

        private static ByteArrayContent Copy(HttpContent original, byte[] body)
        {
            var copy = new ByteArrayContent(body);
            foreach (var header in original.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return copy;
        }
    }
}
