using System.Diagnostics;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>The holes a hostile run found in the batch runner, each as the test that failed before it was closed.</summary>
public sealed class BatchNeverPaysTwiceTests : IAsyncLifetime
{
    private const string ProxyPage = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

    private readonly string _directory = Directory.CreateTempSubdirectory("gih-batch-holes-").FullName;
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(30) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Journal => Path.Combine(_directory, "batch.jsonl");

    private GptImageHubClient Client(string key, HttpMessageHandler? handler = null) => FastClient(_hub.BaseAddress, key, handler);

    [Fact]
    public async Task A_proxy_502_after_the_service_charged_is_unknown_posted_once_and_the_ledger_is_exact_over_two_runs()
    {
        var key = _hub.CreateApiKey(credits: 1000);
        using var client = Client(key);
        _hub.Faults.RespondNext(502, ProxyPage, endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var items = Items(3);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = Journal }, TestContext.Current.CancellationToken));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 1, JournalPath = Journal }, TestContext.Current.CancellationToken));

        var unknown = Assert.Single(first, r => r.Status == BatchItemStatus.Unknown);
        Assert.Equal("item-000", unknown.Key);
        Assert.True(Assert.IsType<ServiceException>(unknown.Error).PossiblyCharged);
        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(second, r => r.Key == "item-000").Status);
        Assert.All(items, item => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(item.Request.Prompt)));

        // Three charges of 8: two delivered images and the one the proxy's page hid. Nothing more over both runs.
        Assert.Equal(3 * 8, 1000 - _hub.Ledger.GetBalance(key));
        Assert.Equal(2, _hub.Ledger.ImagesDelivered - 1);
    }

    // Kept out of the theory's data, which xunit serializes as UTF-8 and would mend into U+FFFD.
    private static readonly string[] BrokenKeys = ["sku-\ud83d", "\ude00-sku", "sku\0"];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_key_that_cannot_be_journaled_exactly_is_refused_before_any_request(int which)
    {
        var key = BrokenKeys[which];
        using var client = Client(_hub.CreateApiKey(credits: 100));
        var items = new List<BatchItem> { new("fine-\ud83d\ude00", new ImageGenerationRequest("gpt-image-2", "a")), new(key, new ImageGenerationRequest("gpt-image-2", "b")) };

        await Assert.ThrowsAsync<ArgumentException>(() => CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_key_with_a_whole_emoji_round_trips_through_the_journal()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100));
        var items = new List<BatchItem> { new("mug-\ud83d\ude00", new ImageGenerationRequest("gpt-image-2", "a mug") { Quality = ImageQuality.Tier1K }) };

        await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken));
        var rerun = Assert.Single(await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        Assert.True(rerun.FromJournal);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests("a mug"));
    }

    [Fact]
    public async Task Rerunning_a_key_with_another_request_is_an_error_naming_the_key_not_the_old_image()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100));
        await CollectAsync(client.GenerateBatchAsync(Items(2), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken));
        var shifted = Items(2).Select(i => i with { Request = i.Request with { Prompt = i.Request.Prompt + " (edited)" } }).ToList();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CollectAsync(client.GenerateBatchAsync(shifted, new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        Assert.Contains("'item-000'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _hub.Ledger.GenerationRequests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancelling_a_batch_reports_every_id_it_paid_for_before_the_cancellation(bool withJournal)
    {
        var key = _hub.CreateApiKey(credits: 10_000);
        using var client = Client(key);
        using var cts = new CancellationTokenSource();
        var seen = new List<BatchItemResult>();

        // Polls hang, so every job is still running when the caller gives up.
        _hub.Faults.DelayNext(TimeSpan.FromMinutes(5), count: 1000, endpoint: EmulatorEndpoint.GetGeneration);
        var run = Task.Run(
            async () =>
            {
                await foreach (var result in client.GenerateBatchAsync(Items(4), new BatchOptions { MaxConcurrency = 4, JournalPath = withJournal ? Journal : null }, cts.Token))
                {
                    seen.Add(result);
                }
            },
            TestContext.Current.CancellationToken);
        while (_hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge) < 4)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        var charged = _hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.GenerationId).Order().ToList();
        Assert.Equal(charged, seen.Select(r => r.GenerationId).Order().ToList());
        Assert.All(seen, r => Assert.Equal(BatchItemStatus.Incomplete, r.Status));
        Assert.All(seen, r => Assert.Contains(r.GenerationId!, r.Reason!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_while_a_price_is_fetched_loses_no_started_submit()
    {
        var key = _hub.CreateApiKey(credits: 10_000);
        using var client = Client(key);
        using var cts = new CancellationTokenSource();

        // The first /models answer comes at once; the cache then expires and the next price fetch hangs until cancelled.
        var options = new BatchOptions { MaxConcurrency = 2, JournalPath = Journal, CreditBudget = 10_000 };
        _hub.Faults.DelayNext(TimeSpan.FromMilliseconds(300), count: 3, endpoint: EmulatorEndpoint.CreateGeneration);
        var results = new List<BatchItemResult>();
        var run = Task.Run(
            async () =>
            {
                await foreach (var result in client.GenerateBatchAsync(Items(10), options, cts.Token))
                {
                    results.Add(result);
                }
            },
            TestContext.Current.CancellationToken);
        while (_hub.Ledger.GenerationRequests.Count < 1)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));

        // Every POST the service received is journaled with its id, and a rerun finishes the batch without posting any key twice.
        var entries = (await File.ReadAllLinesAsync(Journal, TestContext.Current.CancellationToken)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var submitted = entries.Where(e => e.GetProperty("event").GetString() == "submitted").Select(e => e.GetProperty("key").GetString()).ToHashSet();
        Assert.Equal(_hub.Ledger.GenerationRequests.Count, submitted.Count);
        var rerun = await CollectAsync(client.GenerateBatchAsync(Items(10), new BatchOptions { MaxConcurrency = 2, JournalPath = Journal }, TestContext.Current.CancellationToken));
        Assert.Equal(10, rerun.Count(r => r.Status == BatchItemStatus.Succeeded));
        Assert.All(Items(10), item => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(item.Request.Prompt)));
    }

    [Fact]
    public async Task A_slow_poll_does_not_hold_back_the_other_jobs()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        _hub.Faults.DelayNext(TimeSpan.FromSeconds(3), count: 1, endpoint: EmulatorEndpoint.GetGeneration);
        var clock = Stopwatch.StartNew();
        var finishedAt = new List<TimeSpan>();

        await foreach (var result in client.GenerateBatchAsync(Items(6), new BatchOptions { MaxConcurrency = 6 }, TestContext.Current.CancellationToken))
        {
            Assert.Equal(BatchItemStatus.Succeeded, result.Status);
            finishedAt.Add(clock.Elapsed);
        }

        // Five jobs end long before the one whose poll is held for 3 s.
        Assert.True(finishedAt[4] < TimeSpan.FromSeconds(2), $"the fifth job ended at {finishedAt[4]}");
    }

    [Fact]
    public async Task A_batch_runs_over_any_IGptImageHubClient()
    {
        using var inner = Client(_hub.CreateApiKey(credits: 1000));
        IGptImageHubClient decorated = new CountingClient(inner);

        var results = await CollectAsync(decorated.GenerateBatchAsync(Items(3), new BatchOptions(), TestContext.Current.CancellationToken));

        Assert.All(results, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.Equal(3, ((CountingClient)decorated).Starts);
    }

    [Fact]
    public async Task A_journal_on_a_full_disk_stops_the_batch_with_an_IOException_sends_nothing_unrecorded_and_releases_the_lock()
    {
        var mount = Path.Combine(_directory, "small");
        Directory.CreateDirectory(mount);
        using var tmpfs = SmallDisk.TryMount(mount, "12k");
        if (tmpfs is null)
        {
            if (Environment.GetEnvironmentVariable("GIH_REQUIRE_ALL_TESTS") == "1")
            {
                Assert.Fail("A 12 KB tmpfs could not be mounted (needs root).");
            }

            Assert.Skip("A 12 KB tmpfs could not be mounted here (needs root); CI runs this as root.");
        }

        var journal = Path.Combine(mount, "batch.jsonl");
        using var client = Client(_hub.CreateApiKey(credits: 100_000));

        var ex = await Assert.ThrowsAsync<IOException>(() => CollectAsync(client.GenerateBatchAsync(Items(200), new BatchOptions { MaxConcurrency = 4, JournalPath = journal }, TestContext.Current.CancellationToken)))
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Contains(journal, ex.Message, StringComparison.Ordinal);
        Assert.True(_hub.Ledger.GenerationRequests.Count < 200, "the batch should have stopped");

        // The lock is free again in this very process, and the journal reads whole: every key the
        // service received was journaled before its POST.
        using var again = BatchJournal.Open(journal, TimeProvider.System);
        Assert.All(_hub.Ledger.GenerationRequests, r => Assert.True(again.History.ContainsKey("item-" + r.Prompt![^3..]), r.Prompt));
    }

    [Fact]
    public void A_read_only_journal_folder_is_not_reported_as_in_use()
    {
        var folder = Path.Combine(_directory, "readonly");
        Directory.CreateDirectory(folder);

        // A read-only mount: file modes do not stop root, which CI runs as.
        using var readOnly = SmallDisk.TryMount(folder, "4k", readOnly: true);
        if (readOnly is null)
        {
            Assert.Skip("A read-only tmpfs could not be mounted here (needs root); CI runs this as root.");
        }

        var path = Path.Combine(folder, "journal.jsonl");
        var ex = Assert.ThrowsAny<IOException>(() => BatchJournal.Open(path, TimeProvider.System));

        Assert.DoesNotContain("in use by another process", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A client that forwards to another, as a user's decorator or a mock would.</summary>
    private sealed class CountingClient(IGptImageHubClient inner) : IGptImageHubClient
    {
        public int Starts { get; private set; }

        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => inner.GetModelsAsync(cancellationToken);

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => inner.GetCreditsAsync(cancellationToken);

        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.GenerateImageAsync(request, cancellationToken);

        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            Starts++;
            return inner.StartImageGenerationAsync(request, cancellationToken);
        }

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) => inner.GetGenerationAsync(generationId, cancellationToken);

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => inner.WaitForGenerationAsync(generationId, progress, cancellationToken);


        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadImageAsync(image, destination, cancellationToken);
    }
}
