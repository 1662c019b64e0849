using GptImageHub.Emulator;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>The batch runner stopped in ways its authors did not script: a disposed client, a lazy item list.</summary>
public sealed class HostileBatchStopTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile-stop-").FullName;
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    private string Journal => Path.Combine(_directory, "batch.jsonl");

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(20) }, T);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// A rerun whose reader stops mid-replay, while the replay waits for it (the backlog is full) and new
    /// items are on the wire, then cancels or walks away (disposes the enumerator): the run ends at once, and
    /// a third run over the same journal finishes every item with at most one POST each, so every paid job
    /// was either reported with its id or kept in the journal.
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(40, true)]
    public async Task A_reader_that_stops_mid_replay_neither_hangs_the_run_nor_loses_a_paid_job(int readBeforeStop, bool dispose)
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100_000));
        var finished = Items(100, "done");
        await CollectAsync(client.GenerateBatchAsync(finished, new BatchOptions { JournalPath = Journal, MaxConcurrency = 16 }, T));

        // New items first, so their submits start before the replay fills the reader's backlog.
        var all = Items(12, "new").Concat(finished).ToList();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(T);
        var second = new List<BatchItemResult>();
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        var run = client.GenerateBatchAsync(all, new BatchOptions { JournalPath = Journal, MaxConcurrency = 4 }, cts.Token).GetAsyncEnumerator(T);
        try
        {
            while (second.Count < readBeforeStop && await run.MoveNextAsync())
            {
                second.Add(run.Current);
            }

            stopped.Restart();
            if (!dispose)
            {
                await cts.CancelAsync();
                while (await run.MoveNextAsync())
                {
                    second.Add(run.Current);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await run.DisposeAsync();
        }

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"the stop took {stopped.Elapsed}");
        var third = await CollectAsync(client.GenerateBatchAsync(all, new BatchOptions { JournalPath = Journal, MaxConcurrency = 4 }, T));
        Assert.All(third, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.Equal(all.Count, third.Count);
        Assert.All(all, i => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(i.Request.Prompt)));
    }

    /// <summary>
    /// The classic slip: the batch is returned from a method whose <c>using</c> already disposed the client.
    /// Nothing can be sent, so nothing may be journaled "unknown, possibly charged": a rerun with a live
    /// client must submit every item (the journal must not hold them back, nor count them against a budget).
    /// </summary>
    [Fact]
    public async Task A_batch_run_on_a_disposed_client_marks_nothing_unknown_and_a_rerun_submits_every_item()
    {
        var key = _hub.CreateApiKey(credits: 10_000);
        var items = Items(5, "disposed");
        var disposed = FastClient(_hub.BaseAddress, key);
        disposed.Dispose();

        var (first, error) = await CollectUntilErrorAsync(disposed.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 2 }, T));

        Assert.DoesNotContain(first, r => r.Status == BatchItemStatus.Unknown);
        Assert.True(error is null or ObjectDisposedException, $"unexpected {error}");
        using var live = FastClient(_hub.BaseAddress, key);
        var second = await CollectAsync(live.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 2 }, T));
        Assert.All(second, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.Equal(items.Count, second.Count);
        Assert.All(items, i => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(i.Request.Prompt)));
    }

    /// <summary>
    /// A client disposed while its batch runs (a DI scope that ends under a background batch): the submit
    /// on the wire may be unknown, but every later item was never sent and must not be journaled
    /// "possibly charged" (a rerun would hold it back for good).
    /// </summary>
    [Fact]
    public async Task A_client_disposed_mid_batch_leaves_at_most_the_submit_in_flight_unknown()
    {
        var key = _hub.CreateApiKey(credits: 10_000);
        var items = Items(8, "midway");
        var client = FastClient(_hub.BaseAddress, key);
        var first = new List<BatchItemResult>();
        Exception? error = null;
        try
        {
            await foreach (var result in client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 1 }, T))
            {
                first.Add(result);
                client.Dispose();
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Assert.True(error is null or ObjectDisposedException, $"unexpected {error}");
        Assert.InRange(first.Count(r => r.Status == BatchItemStatus.Unknown), 0, 1);
        using var live = FastClient(_hub.BaseAddress, key);
        var second = await CollectAsync(live.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 1 }, T));
        Assert.InRange(second.Count(r => r.Status == BatchItemStatus.Succeeded), items.Count - 2, items.Count);
        Assert.All(items, i => Assert.InRange(_hub.Ledger.CountGenerationRequests(i.Request.Prompt), 0, 1));
    }

    /// <summary>
    /// The race the runner cannot close: a client disposed between the runner's check and its own throws
    /// ObjectDisposedException before sending anything, so the charge rule must call that "not sent".
    /// </summary>
    [Fact]
    public async Task A_submit_refused_by_a_disposed_client_is_classified_as_not_sent()
    {
        var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        client.Dispose();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "never sent"), T));

        Assert.Equal(SubmitOutcome.NotSent, GptImageHub.Sdk.Errors.ChargeClassifier.Classify(error));
    }

    /// <summary>
    /// Items are read before the first submit; a caller who cancels while a long (here endless) lazy list
    /// is read must get control back, not wait for the list to end (it never does: memory grows until the process dies).
    /// </summary>
    [Fact]
    public async Task Cancelling_while_a_lazy_item_list_is_read_stops_the_batch()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(T);
        var read = 0;

        IEnumerable<BatchItem> Endless()
        {
            for (var i = 0; ; i++)
            {
                if (i == 1_000)
                {
                    cts.Cancel();
                }

                // A bound for the test only, so a batch that ignores the cancel fails instead of eating memory forever.
                if (i == 200_000)
                {
                    throw new InvalidOperationException("The batch read 199,000 items after it was cancelled.");
                }

                read = i;
                yield return new BatchItem($"lazy-{i}", new ImageGenerationRequest("gpt-image-2", $"lazy {i}"));
            }
        }

        var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(Endless(), new BatchOptions { MaxConcurrency = 2 }, cts.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Empty(results);
        Assert.InRange(read, 1_000, 1_000 + 1_000);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }
}
