using GptImageHub.Emulator;
using GptImageHub.Sdk.Errors;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The <see cref="HttpClient"/> a consumer hands the SDK (one from <c>IHttpClientFactory</c>) may retry on its own,
/// below the SDK, as a resilience handler does for any method. Its first attempt can reach the service and be
/// charged (the answer lost), and its last meet a refused connection, the service down by then: the SDK read only
/// that last failure, "the connection was refused, nothing sent", journaled the paid item not sent for the next run
/// to send again, and with MaxRetries sent it again at once. A refused connection says "not sent" only when the
/// request's body was never written to the network by any attempt.
/// </summary>
public sealed class HostileRetryingHandlerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile-retrying-handler-").FullName;
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions(), T);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_handler_retry_refused_after_a_charged_attempt_leaves_the_batch_item_unknown()
    {
        var key = _hub.CreateApiKey(credits: 1000);
        _hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        using var client = FastClient(_hub.BaseAddress, key, new RetriesOnceAfter(() => _hub.DisposeAsync().AsTask()) { InnerHandler = new SocketsHttpHandler() });
        var journal = Path.Combine(_directory, "batch.jsonl");

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = journal }, T)));

        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(result.Error!));
        Assert.DoesNotContain("\"not_sent\"", await File.ReadAllTextAsync(journal, T), StringComparison.Ordinal);
        Assert.Equal(1, _hub.Ledger.GetEntries(key).Count(e => e.Kind == LedgerEntryKind.Charge));
    }

    [Fact]
    public async Task A_refused_connection_whose_body_was_never_written_is_still_not_sent()
    {
        // The service is down before the first attempt: nothing can have been charged.
        var key = _hub.CreateApiKey(credits: 1000);
        using var client = FastClient(_hub.BaseAddress, key, new RetriesOnceAfter(() => Task.CompletedTask) { InnerHandler = new SocketsHttpHandler() });
        await _hub.DisposeAsync();

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
