using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The batch's stop reaches the SDK's submit as a stop before sending. Whenever it comes while a POST is on the wire
/// (the first one or a retry after a 429), and whatever ends that POST (its answer, a consumer's handler throwing a
/// cancellation or a connection failure after it went), the POST that went is never recorded not sent: a second run
/// never posts the item again, so it is charged once.
/// </summary>
public sealed class HostileBatchStopMidPostTests() : EmulatorAndDirectory("gih-hostile-stopmidpost-")
{
    public enum After
    {
        Answer,
        ThrowCanceled,
        ThrowConnection,
        StopBeforeSend,
    }

    [Theory]
    [InlineData(1, After.Answer)]
    [InlineData(1, After.ThrowCanceled)]
    [InlineData(1, After.ThrowConnection)]
    [InlineData(1, After.StopBeforeSend)]
    [InlineData(2, After.Answer)]
    [InlineData(2, After.ThrowCanceled)]
    [InlineData(2, After.ThrowConnection)]
    [InlineData(2, After.StopBeforeSend)]
    public async Task A_stop_while_a_POST_is_on_the_wire_never_gets_the_item_posted_again(int post, After after)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        using var client = Client(new StopOnPost(stop, post, after));
        var items = Items(1, $"midpost{post}{after}");
        if (post == 2)
        {
            Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration, retryAfter: TimeSpan.Zero);
        }

        var (first, _) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, stop.Token)).WaitAsync(TimeSpan.FromSeconds(15), T);
        var charged = Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge);
        Assert.Equal(1, charged);

        using var plain = Client(null);
        _ = await CollectUntilErrorAsync(plain.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.Equal(1, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge));
        var result = Assert.Single(first);
        if (after is After.Answer or After.StopBeforeSend)
        {
            // The answer named the job: its id is in the result, whatever the stop did.
            Assert.NotNull(result.GenerationId);
        }
    }

    [Fact]
    public async Task A_stop_while_the_catalogue_read_stalls_ends_the_batch_at_once()
    {
        using var client = Client(null, maxCreditsPerRequest: 1000);
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(60), endpoint: EmulatorEndpoint.Models);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(Items(2, "stallcat"), new BatchOptions { JournalPath = Journal, MaxConcurrency = 2 }, stop.Token));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Hub.Faults.PendingCount != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, T);
        }

        await Task.Delay(100, T);
        await stop.CancelAsync();
        var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(5), T);
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.All(first, r => Assert.Equal(BatchItemStatus.Skipped, r.Status));
    }

    // Found at the next stop: the SDK's client took the batch's stop only when the batch called it itself, so through a
    // consumer's pass-through decorator the batch stopped in a 20 s Retry-After wait waited it out and posted again, after the stop.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stop_during_a_long_retry_after_wait_ends_the_batch_at_once_and_posts_nothing_more(bool throughDecorator)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        using var sdk = Client(null);
        IGptImageHubClient client = throughDecorator ? new PassThrough(sdk) : sdk;
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration, retryAfter: TimeSpan.FromSeconds(20));
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(Items(1, $"longwait{throughDecorator}"), new BatchOptions { JournalPath = Journal }, stop.Token));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Hub.Ledger.GenerationRequests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, T);
        }

        await Task.Delay(300, T);
        await stop.CancelAsync();
        var (first, _) = await run.WaitAsync(TimeSpan.FromSeconds(5), T);
        Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal(BatchItemStatus.Failed, Assert.Single(first).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(90)]
    [InlineData(150)]
    [InlineData(260)]
    public async Task A_stop_at_any_moment_of_a_busy_batch_never_charges_an_item_twice(int stopAfterMs)
    {
        const int Count = 24;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        using var client = Client(null);
        var items = Items(Count, $"busy{stopAfterMs}");
        Hub.Faults.DelayNext(TimeSpan.FromMilliseconds(30), count: Count, endpoint: EmulatorEndpoint.CreateGeneration);
        Hub.Faults.FailNext(429, "rate_limited", count: 8, endpoint: EmulatorEndpoint.CreateGeneration, retryAfter: TimeSpan.Zero);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 6 }, stop.Token));
        await Task.Delay(stopAfterMs, T);
        await stop.CancelAsync();
        _ = await run.WaitAsync(TimeSpan.FromSeconds(20), T);
        Hub.Faults.Clear();

        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 6 }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(Count, second.Count);
        Assert.Equal(Count, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge));
        Assert.All(second, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
    }

    [Theory]
    [InlineData(After.Answer)]
    [InlineData(After.ThrowCanceled)]
    [InlineData(After.StopBeforeSend)]
    public async Task A_stop_during_a_retry_POST_through_a_decorator_never_gets_the_item_posted_again(After after)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        using var sdk = Client(new StopOnPost(stop, 2, after));
        var client = new PassThrough(sdk);
        var items = Items(1, $"decorated{after}");
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration, retryAfter: TimeSpan.Zero);

        _ = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, stop.Token)).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.Equal(1, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge));

        using var plain = Client(null);
        _ = await CollectUntilErrorAsync(new PassThrough(plain).GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(15), T);
        Assert.Equal(1, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    private GptImageHubClient Client(DelegatingHandler? handler, long? maxCreditsPerRequest = null)
    {
        HttpMessageHandler inner = new SocketsHttpHandler();
        if (handler is not null)
        {
            handler.InnerHandler = inner;
            inner = handler;
        }

        return new(
            new HttpClient(inner) { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions
            {
                ApiKey = Key ??= Hub.CreateApiKey(credits: 1000),
                BaseAddress = Hub.BaseAddress,
                MaxRetries = 2,
                MaxCreditsPerRequest = maxCreditsPerRequest,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
            });
    }

    private string? Key { get; set; }

    private sealed class StopOnPost(CancellationTokenSource stop, int post, After after) : DelegatingHandler
    {
        private int _posts;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Post || Interlocked.Increment(ref _posts) != post)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            if (after == After.StopBeforeSend)
            {
                await stop.CancelAsync();
                return await base.SendAsync(request, cancellationToken);
            }

            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            await stop.CancelAsync();
            switch (after)
            {
                case After.ThrowCanceled:
                    response.Dispose();
                    throw new OperationCanceledException("the consumer's handler gave up");
                case After.ThrowConnection:
                    response.Dispose();
                    throw new HttpRequestException("connection reset after the answer");
                default:
                    return response;
            }
        }
    }

    private sealed class PassThrough(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            Inner.StartImageGenerationAsync(request, cancellationToken);
    }
}
