using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A stop (Ctrl+C) while a batch submit is in flight against a slow service: the runner lets the POST finish (its id
/// must be known), but the record of that id got a token that the stop canceled 5 s later (RecordGrace, counted from
/// the stop). An answer that came later than that (gih's own notice speaks of 18 s) had its "submitted" record handed a
/// canceled token; a store that honours its token (PostgreSQL does) dropped it, and the item stayed "submitting" with
/// no id for every later run. Guard: a record begun after the stop still gets the whole grace.
/// </summary>
public sealed class HostileLateAnswerRecordTests() : EmulatorAndDirectory("gih-hostile-late-")
{
    [Fact]
    public async Task A_submit_answered_after_the_record_grace_of_a_stop_still_stores_its_paid_id()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        using var client = new GptImageHubClient(
            new HttpClient(new StopThenAnswerLate(time, stop)) { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions { ApiKey = Hub.CreateApiKey(credits: 1000), BaseAddress = Hub.BaseAddress, MaxRetries = 0, TimeProvider = time });
        var store = new TokenHonouringStore(new FileBatchStore(Journal));
        var items = new List<BatchItem> { new("late-000", new ImageGenerationRequest("gpt-image-2", "late prompt") { Quality = ImageQuality.Tier1K }) };

        var results = new List<BatchItemResult>();
        try
        {
            await foreach (var result in client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1 }, stop.Token).WithCancellation(T))
            {
                results.Add(result);
            }
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Single(Hub.Ledger.GenerationRequests);
        var paidId = Assert.Single(results).GenerationId;
        Assert.NotNull(paidId);
        Assert.Contains(store.Recorded, r => r.Event == BatchJournalEvent.Submitted && r.GenerationId == paidId);
    }

    /// <summary>The user stops the batch as the POST goes out; the service answers 6 s later (on the client's clock).</summary>
    private sealed class StopThenAnswerLate(FakeTimeProvider time, CancellationTokenSource stop) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                await stop.CancelAsync();
                time.Advance(TimeSpan.FromSeconds(6));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>The file store behind a session that, like a database's, refuses a write whose token is canceled.</summary>
    private sealed class TokenHonouringStore(BatchStore inner) : ForwardingBatchStore(inner)
    {
        public List<BatchRecord> Recorded { get; } = [];

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(TokenHonouringStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Inner.RecordAsync(record, cancellationToken);
                lock (store.Recorded)
                {
                    store.Recorded.Add(record);
                }
            }
        }
    }
}
