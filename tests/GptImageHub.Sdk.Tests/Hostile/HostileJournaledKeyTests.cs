using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's own exception that quotes the key: an audit or resilience decorator of the client, or a handler below
/// it, that reports the request's <c>Authorization</c> in its message. The SDK passes such an exception on as it is
/// (it is the consumer's, with its type and stack), but the batch wrote its message into the journal on disk (or a
/// shared store's table) and into the item's <see cref="BatchItemResult.Reason"/>: the key at rest, read by whoever
/// reads the journal or the batch's report. The batch masks the message it records now: the client's key, and any key
/// shaped like a GPT Image Hub key (all a runner over a decorator can know).
/// </summary>
public sealed class HostileJournaledKeyTests : IDisposable
{
    /// <summary>A proxy's key, of no known shape: masked because the batch's client is the SDK's own and knows it.</summary>
    private const string ProxyKey = "pxk-0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    /// <summary>A GPT Image Hub key (not the suite's, which the leak watcher fails the run on): masked for its shape.</summary>
    private const string HubKey = "gih_live_QuotedByAnAuditLayer0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile-journaled-key-").FullName;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    private string Journal => Path.Combine(_directory, "batch.jsonl");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("InvalidOperationException")]
    [InlineData("HttpRequestException")]
    public async Task A_handlers_failure_that_quotes_the_clients_key_is_journaled_and_reported_masked(string thrown)
    {
        var handler = new QuotingHandler(thrown);
        using var client = new GptImageHubClient(new HttpClient(handler), new GptImageHubClientOptions { ApiKey = ProxyKey, BaseAddress = CannedAnswerHandler.BaseAddress, MaxRetries = 0 });

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, T)));

        var journal = await File.ReadAllTextAsync(Journal, T);
        Assert.DoesNotContain(ProxyKey, journal, StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyKey, result.Reason, StringComparison.Ordinal);
        Assert.Contains("handler saw Bearer [redacted]", journal, StringComparison.Ordinal);

        // Sent, and no answer: possibly charged, never posted again.
        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Equal(1, handler.Sends);
    }

    [Fact]
    public async Task A_decorators_failure_that_quotes_a_hub_key_is_journaled_and_reported_masked()
    {
        var handler = new CannedAnswerHandler(_ => throw new InvalidOperationException("never sent"));
        using var inner = handler.CreateClient(o => o.ApiKey = HubKey);
        var decorator = new QuotingDecorator(inner);

        var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, T)));

        var journal = await File.ReadAllTextAsync(Journal, T);
        Assert.DoesNotContain("QuotedByAnAuditLayer", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("QuotedByAnAuditLayer", result.Reason, StringComparison.Ordinal);
        Assert.Contains("audit layer refused Authorization: Bearer [redacted]", journal, StringComparison.Ordinal);
        Assert.Equal(BatchItemStatus.Unknown, result.Status);

        // The consumer's exception itself is handed back as it was: it is theirs.
        Assert.IsType<InvalidOperationException>(result.Error);
        Assert.Equal(0, handler.Posts);
    }

    private sealed class QuotingHandler(string thrown) : HttpMessageHandler
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            var message = "handler saw " + request.Headers.Authorization;
            return Task.FromException<HttpResponseMessage>(thrown == nameof(InvalidOperationException) ? new InvalidOperationException(message) : new HttpRequestException(message));
        }
    }

    private sealed class QuotingDecorator(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            Task.FromException<GenerationOperation>(new InvalidOperationException("audit layer refused Authorization: Bearer " + HubKey));
    }
}
