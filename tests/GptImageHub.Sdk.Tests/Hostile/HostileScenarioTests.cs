using GptImageHub.Emulator;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

public sealed class HostileScenarioTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-hostile2-").FullName;
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(100) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Journal => Path.Combine(_directory, "batch.jsonl");

    private static CancellationToken T => TestContext.Current.CancellationToken;

    private GptImageHubClient Client(string key) => FastClient(_hub.BaseAddress, key);

    private static bool Allowed(Exception? ex) => ex is null or ArgumentException or IOException or OperationCanceledException or GptImageHubException;

    /// <summary>Every generation the emulator charged appears, by id, in some result (or its prompt came back Unknown).</summary>
    private void AssertEveryChargeReported(IEnumerable<BatchItemResult> results)
    {
        var ids = results.Where(r => r.GenerationId is not null).Select(r => r.GenerationId!).ToHashSet();
        var unknownKeys = results.Where(r => r.Status == BatchItemStatus.Unknown).Select(r => r.Key).ToHashSet();
        var charged = _hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.GenerationId).ToList();
        var missing = charged.Where(id => id is null || !ids.Contains(id)).ToList();
        Assert.True(missing.Count <= unknownKeys.Count, $"charged ids not in any result: {string.Join(",", missing)}; unknown keys {unknownKeys.Count}");
    }

    private void AssertPostedAtMostOnce(IReadOnlyList<BatchItem> items)
    {
        foreach (var item in items)
        {
            Assert.True(_hub.Ledger.CountGenerationRequests(item.Request.Prompt) <= 1, $"{item.Key} POSTed {_hub.Ledger.CountGenerationRequests(item.Request.Prompt)} times");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Cancel_at_random_moments_then_rerun_never_posts_twice_and_reports_every_charge(int seed)
    {
        var random = new Random(seed);
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(12);
        var all = new List<BatchItemResult>();
        for (var round = 0; round < 3; round++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(T);
            cts.CancelAfter(TimeSpan.FromMilliseconds(random.Next(0, 300)));
            var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1 + random.Next(6), JournalPath = Journal }, cts.Token)).WaitAsync(TimeSpan.FromSeconds(30), T);
            Assert.True(Allowed(error), $"escaped {error}");
            all.AddRange(results);
        }

        var (final, finalError) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 3, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(finalError);
        all.AddRange(final);
        AssertPostedAtMostOnce(items);
        AssertEveryChargeReported(all);
        Assert.All(final, r => Assert.True(r.Status is BatchItemStatus.Succeeded or BatchItemStatus.Unknown, $"{r.Key}: {r.Status} {r.Reason}"));
        Assert.Equal(items.Count, final.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Break_out_early_then_rerun(int take)
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(8);
        var seen = new List<BatchItemResult>();
        await foreach (var r in client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 4, JournalPath = Journal }, T).WithCancellation(T))
        {
            seen.Add(r);
            if (seen.Count == take)
            {
                break;
            }
        }

        var (final, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 4, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(error);
        AssertPostedAtMostOnce(items);
        Assert.All(final, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
    }

    [Fact]
    public async Task Dispose_client_mid_batch_then_rerun_with_new_client()
    {
        var key = _hub.CreateApiKey(credits: 100000);
        var items = Items(10);
        var first = new List<BatchItemResult>();
        Exception? error = null;
        var client = Client(key);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 5, JournalPath = Journal }, T));
        await Task.Delay(150, T);
        client.Dispose();
        (first, error) = await run.WaitAsync(TimeSpan.FromSeconds(20), T);
        Assert.True(Allowed(error), $"escaped {error}");

        using var client2 = Client(key);
        var (second, error2) = await CollectUntilErrorAsync(client2.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 5, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(error2);
        AssertPostedAtMostOnce(items);
        AssertEveryChargeReported(first.Concat(second));
        Assert.All(second, r => Assert.True(r.Status is BatchItemStatus.Succeeded or BatchItemStatus.Unknown, $"{r.Key}: {r.Status}"));
    }

    [Fact]
    public async Task Budget_zero_posts_nothing_and_exact_fit_posts_all()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(3);
        var (zero, e0) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { CreditBudget = 0 }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(e0);
        Assert.Empty(_hub.Ledger.GenerationRequests);
        Assert.All(zero, r => Assert.Equal(BatchItemStatus.Skipped, r.Status));

        var price = (await client.EstimateCreditsAsync(items[0].Request, T)).Credits!.Value;
        var (fit, e1) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { CreditBudget = price * 3, MaxConcurrency = 3 }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(e1);
        Assert.All(fit, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        var (over, e2) = await CollectUntilErrorAsync(client.GenerateBatchAsync(Items(3, "b"), new BatchOptions { CreditBudget = (price * 3) - 1, MaxConcurrency = 3 }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(2, over.Count(r => r.Status == BatchItemStatus.Succeeded));
    }

    [Fact]
    public async Task Keys_differing_only_by_normalization_and_emoji_and_huge_keys_round_trip()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var keys = new[] { "caf\u00e9", "cafe\u0301", "\ud83d\udc4d\ud83c\udffd", new string('k', 1_000_000), "a\u2028b\r\n\"\\" };
        var items = keys.Select((k, i) => new BatchItem(k, new ImageGenerationRequest("gpt-image-2", $"norm prompt {i}") { Quality = ImageQuality.Tier1K })).ToList();
        var (first, e1) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(e1);
        var (second, e2) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(e2);
        Assert.All(second, r => Assert.True(r.FromJournal));
        Assert.Equal(keys.Length, second.Select(r => r.Key).Distinct(StringComparer.Ordinal).Count());
        AssertPostedAtMostOnce(items);
    }

    [Fact]
    public async Task Two_runs_on_one_journal_at_once_never_post_twice()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(6);
        var a = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var b = CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var both = await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.All(both, r => Assert.True(Allowed(r.Error), $"escaped {r.Error}"));
        Assert.Contains(both, r => r.Error is IOException);
        AssertPostedAtMostOnce(items);
    }

    [Theory]
    [InlineData(401, "invalidApiKey")]
    [InlineData(404, "notFound")]
    [InlineData(500, "internal")]
    public async Task A_poll_refused_mid_batch_keeps_the_id_and_rerun_does_not_repost(int status, string code)
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(4);
        _hub.Faults.FailNext(status, code, count: 1, endpoint: EmulatorEndpoint.GetGeneration);
        var (first, e1) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 2, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.True(Allowed(e1), $"escaped {e1}");
        Assert.All(first.Where(r => r.Status == BatchItemStatus.Incomplete), r => Assert.NotNull(r.GenerationId));
        var (second, e2) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 2, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Null(e2);
        AssertPostedAtMostOnce(items);
        AssertEveryChargeReported(first.Concat(second));
        Assert.All(second, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
    }

    [Fact]
    public async Task ResubmitUnknown_false_never_reposts_a_dropped_post_true_reposts_once()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(2);
        _hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var (r1, _) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(BatchItemStatus.Unknown, r1.Single(r => r.Key == "item-000").Status);
        var (r2, _) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
        var (r3, _) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = Journal, ResubmitUnknown = true }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        var (r4, _) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = Journal, ResubmitUnknown = true }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.Equal(2, _hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(items[1].Request.Prompt));
    }

    [Fact]
    public async Task Concurrency_1024_with_few_items()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(40);
        var (r, e) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1024, JournalPath = Journal, CreditBudget = 100000 }, T)).WaitAsync(TimeSpan.FromSeconds(60), T);
        Assert.Null(e);
        Assert.All(r, x => Assert.Equal(BatchItemStatus.Succeeded, x.Status));
        AssertPostedAtMostOnce(items);
    }

    [Fact]
    public async Task Hand_edited_journal_lines_never_cause_a_repost()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100000));
        var items = Items(3);
        await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        var lines = File.ReadAllLines(Journal).ToList();
        var text = string.Join("\n", lines);
        // Remove the final (succeeded) lines for item-000: leaves submitted with id -> must resume, not repost.
        var edited = lines.Where(l => !(l.Contains("item-000", StringComparison.Ordinal) && l.Contains("succeeded", StringComparison.OrdinalIgnoreCase))).ToList();
        // and a garbage line and a truncated line in the middle
        edited.Insert(1, "{not json");
        File.WriteAllLines(Journal, edited);
        var (r, e) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)).WaitAsync(TimeSpan.FromSeconds(30), T);
        Assert.True(Allowed(e), $"escaped {e}; journal was:\n{text}");
        AssertPostedAtMostOnce(items);
    }
}
