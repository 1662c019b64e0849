using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>
/// A rerun reports finished items far faster than a caller that downloads each image reads them; the
/// runner must not read the whole store ahead of its reader (a 100,000-item replay queued every result
/// and held 229 MB).
/// </summary>
public sealed class BatchReplayBacklogTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(100)]
    public async Task A_replay_stays_a_bounded_distance_ahead_of_a_slow_reader(int maxConcurrency)
    {
        var store = new FinishedStore();
        using var client = new GptImageHubClient(new HttpClient(), new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:9/") });
        var items = Enumerable.Range(0, 5_000).Select(i => new BatchItem($"k{i}", new ImageGenerationRequest("gpt-image-2", $"prompt {i}"))).ToList();
        var backlog = Math.Max(64, 2 * maxConcurrency);

        var read = 0;
        await using (var results = client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = maxConcurrency, Store = store }, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken))
        {
            while (read < 10 && await results.MoveNextAsync())
            {
                read++;
            }

            // The reader pauses: whatever the runner would run ahead, it does so now.
            await Task.Delay(300, TestContext.Current.CancellationToken);
            Assert.InRange(store.Handed, read, read + backlog + maxConcurrency);

            while (await results.MoveNextAsync())
            {
                Assert.Equal(BatchItemStatus.Succeeded, results.Current.Status);
                Assert.True(results.Current.FromJournal);
                read++;
            }
        }

        Assert.Equal((5_000, 5_000), (read, store.Handed));
    }

    [Fact]
    public async Task Stopping_while_reports_wait_for_the_reader_still_reports_a_paid_item_claimed_with_them()
    {
        // 201 finished items, then one an earlier run paid for: claimed 100 at a time, the paid one comes in the
        // same claim as a report that must wait for the reader (the backlog of 200 is full, nothing was read).
        var store = new FinishedStore { Paid = "paid" };
        using var client = new GptImageHubClient(new HttpClient(), new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:9/") });
        var items = Enumerable.Range(0, 201).Select(i => $"k{i}").Append("paid").Select(k => new BatchItem(k, new ImageGenerationRequest("gpt-image-2", "p " + k))).ToList();
        using var cts = new CancellationTokenSource();
        var results = new List<BatchItemResult>();

        await using (var run = client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 100, Store = store }, cts.Token).GetAsyncEnumerator(TestContext.Current.CancellationToken))
        {
            Assert.True(await run.MoveNextAsync());
            results.Add(run.Current);
            while (store.Handed < items.Count)
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (await run.MoveNextAsync())
                {
                    results.Add(run.Current);
                }
            });
        }

        var paid = Assert.Single(results, r => r.Key == "paid");
        Assert.Equal((BatchItemStatus.Incomplete, "g-paid"), (paid.Status, paid.GenerationId));
    }

    /// <summary>A store in which every item finished in an earlier run.</summary>
    private sealed class FinishedStore : BatchStore
    {
        private readonly Queue<string> _keys = new();
        private bool _last;
        private int _handed;

        public int Handed => Volatile.Read(ref _handed);

        /// <summary>A key that an earlier run posted and did not see finish: claimed to be resumed by its id.</summary>
        public string? Paid { get; init; }

        public override ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken) => new(new Session(this));

        public override ValueTask<BatchStatus> GetStatusAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        private sealed class Session(FinishedStore store) : BatchStoreSession
        {
            public override ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken)
            {
                lock (store._keys)
                {
                    foreach (var item in items)
                    {
                        store._keys.Enqueue(item.Key);
                    }

                    store._last |= isLastChunk;
                }

                return default;
            }

            public override ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                var claims = new List<BatchClaim>();
                lock (store._keys)
                {
                    while (claims.Count < maxCount && store._keys.TryDequeue(out var key))
                    {
                        claims.Add(key == store.Paid
                            ? new BatchClaim(key, BatchClaimKind.Resume) { GenerationId = "g-" + key, Record = new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = "g-" + key, Credits = 8 } }
                            : new BatchClaim(key, BatchClaimKind.Report) { Record = new BatchRecord(key, BatchJournalEvent.Succeeded) { GenerationId = "g-" + key, Credits = 8 } });
                    }

                    Interlocked.Add(ref store._handed, claims.Count);
                    return new(new BatchClaims(claims, store._last && store._keys.Count == 0));
                }
            }

            public override ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken) => throw new InvalidOperationException("A finished item was submitted.");

            public override ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken) =>
                record.Key == store.Paid ? default : throw new InvalidOperationException("A finished item was recorded.");

            public override ValueTask DisposeAsync() => default;
        }
    }
}
