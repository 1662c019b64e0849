using System.Text.Json;
using GptImageHub.Emulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Batch;

public sealed class BatchTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-batch-").FullName;
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(30) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Journal => Path.Combine(_directory, "batch.jsonl");

    private GptImageHubClient Client(string key, ILoggerFactory? loggers = null) => FastClient(_hub.BaseAddress, key, loggers: loggers);

    [Fact]
    public async Task Every_item_succeeds_once_with_at_most_MaxConcurrency_in_flight()
    {
        var collector = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        using var client = Client(_hub.CreateApiKey(credits: 1000), loggers);

        var results = await CollectAsync(client.GenerateBatchAsync(Items(20), new BatchOptions { MaxConcurrency = 3 }, TestContext.Current.CancellationToken));

        Assert.Equal(20, results.Count);
        Assert.All(results, r => Assert.Equal(BatchItemStatus.Succeeded, r.Status));
        Assert.Equal(Items(20).Select(i => i.Key).Order(), results.Select(r => r.Key).Order());
        Assert.All(results, r => Assert.Single(r.Generation!.Images));
        Assert.Equal(20, _hub.Ledger.GenerationRequests.Count);
        var ended = Assert.Single(collector.GetSnapshot(), r => r.Message.StartsWith("Batch of 20 items ended", StringComparison.Ordinal));
        Assert.Equal("Batch of 20 items ended (completed); at most 3 were in flight", ended.Message);
    }

    [Fact]
    public async Task A_200_item_batch_with_injected_faults_charges_exactly_for_the_images_delivered_and_submits_each_key_once()
    {
        var key = _hub.CreateApiKey(credits: 100_000);
        using var client = Client(key);
        _hub.Faults.FailNextGeneration(count: 12);
        _hub.Faults.DeliverFewerImagesNext(imagesDelivered: 1, count: 9);
        _hub.Faults.FailNext(503, count: 5, endpoint: EmulatorEndpoint.CreateGeneration);
        _hub.Faults.DropNext(count: 3, endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);
        var items = Items(200).Select(i => i with { Request = i.Request with { N = 2 } }).ToList();

        var results = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 16, JournalPath = Journal }, TestContext.Current.CancellationToken));

        Assert.Equal(200, results.Count);
        Assert.Equal(200, results.Select(r => r.Key).Distinct().Count());
        // A 503 may come from a gateway after the service charged: the five are unknown, like the three dropped answers.
        Assert.Equal(3 + 5, results.Count(r => r.Status == BatchItemStatus.Unknown));
        Assert.Equal(5, results.Count(r => r is { Status: BatchItemStatus.Unknown, Error: ServiceException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable, PossiblyCharged: true } }));

        // Which jobs the failures land on depends on timing (a dropped answer's job may be one of them), so count bounds, not places.
        var failedJobs = results.Count(r => r.Error is GenerationFailedException);
        Assert.InRange(failedJobs, 12 - 3, 12);
        var succeeded = results.Where(r => r.Status == BatchItemStatus.Succeeded).ToList();
        Assert.Equal(200 - 3 - 5 - failedJobs, succeeded.Count);
        Assert.All(succeeded, r => Assert.Equal(r.Generation!.Usage!.Credits, r.Generation.Images.Count * 8));
        var delivered = succeeded.Sum(r => r.Generation!.Images.Count);
        Assert.InRange(succeeded.Count(r => r.Generation!.Images.Count == 1), 9 - 3, 9);

        // Every credit charged pays for a delivered image, and the only images the batch did not receive are those
        // of the three answers the emulator dropped after charging, which the batch reports as Unknown.
        Assert.Equal(_hub.Ledger.ImagesDelivered * 8, _hub.Ledger.NetCharged);
        Assert.InRange(_hub.Ledger.ImagesDelivered - delivered, 0, 3 * 2);
        Assert.All(items, item => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(item.Request.Prompt)));
    }

    [Fact]
    public async Task Many_small_batches_in_a_row_never_stall_waiting_for_a_lost_wake_up()
    {
        // The poller once waited on a SemaphoreSlim whose cancelled waits could swallow a later release;
        // one batch in five then hung. Thirty in a row, each bounded, make that a failure, not a hang.
        using var client = Client(_hub.CreateApiKey(credits: 10_000));

        for (var round = 0; round < 30; round++)
        {
            var results = await CollectAsync(client.GenerateBatchAsync(Items(3, $"round{round}"), new BatchOptions { MaxConcurrency = 1 }, TestContext.Current.CancellationToken))
                .WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

            Assert.Equal(3, results.Count(r => r.Status == BatchItemStatus.Succeeded));
        }
    }

    [Fact]
    public async Task Items_past_the_budget_are_skipped_with_the_reason_and_never_sent()
    {
        var key = _hub.CreateApiKey(credits: 1000);
        using var client = Client(key);

        var results = await CollectAsync(client.GenerateBatchAsync(Items(10), new BatchOptions { MaxConcurrency = 1, CreditBudget = 40 }, TestContext.Current.CancellationToken));

        Assert.Equal(5, results.Count(r => r.Status == BatchItemStatus.Succeeded));
        var skipped = results.Where(r => r.Status == BatchItemStatus.Skipped).ToList();
        Assert.Equal(5, skipped.Count);
        Assert.Equal("Not submitted: its 8 credits would take the batch past its budget of 40 (credits spent, reserved by items in flight, and possibly charged by unknown items all count).", skipped[0].Reason);
        Assert.Equal(5, _hub.Ledger.GenerationRequests.Count);
        Assert.Equal(40, 1000 - _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task An_item_whose_price_is_unknown_is_skipped_under_a_budget()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        var items = new List<BatchItem> { new("panorama", new ImageGenerationRequest("gpt-image-2", "panorama") { Size = new ImageSize("panorama") }) };

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { CreditBudget = 100 }, TestContext.Current.CancellationToken)));

        Assert.Equal(BatchItemStatus.Skipped, result.Status);
        Assert.StartsWith("Not submitted: the budget cannot be kept for an item whose price is unknown", result.Reason, StringComparison.Ordinal);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Running_out_of_credits_stops_new_submissions_and_skips_the_rest()
    {
        using var client = Client(_hub.CreateApiKey(credits: 24));

        var results = await CollectAsync(client.GenerateBatchAsync(Items(10), new BatchOptions { MaxConcurrency = 1 }, TestContext.Current.CancellationToken));

        Assert.Equal(3, results.Count(r => r.Status == BatchItemStatus.Succeeded));
        var failed = Assert.Single(results, r => r.Status == BatchItemStatus.Failed);
        Assert.IsType<InsufficientCreditsException>(failed.Error);
        Assert.Equal(6, results.Count(r => r.Status == BatchItemStatus.Skipped));
        Assert.All(results.Where(r => r.Status == BatchItemStatus.Skipped), r => Assert.StartsWith("Not submitted: the batch stopped after InsufficientCreditsException", r.Reason, StringComparison.Ordinal));
        Assert.Equal(4, _hub.Ledger.GenerationRequests.Count);
    }

    [Fact]
    public async Task A_revoked_key_stops_new_submissions()
    {
        var key = _hub.CreateApiKey(credits: 100);
        _hub.RevokeApiKey(key);
        using var client = Client(key);

        var results = await CollectAsync(client.GenerateBatchAsync(Items(5), new BatchOptions { MaxConcurrency = 1 }, TestContext.Current.CancellationToken));

        Assert.IsType<InvalidApiKeyException>(Assert.Single(results, r => r.Status == BatchItemStatus.Failed).Error);
        Assert.Equal(4, results.Count(r => r.Status == BatchItemStatus.Skipped));
    }

    [Fact]
    public async Task Duplicate_keys_are_refused_before_any_request()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100));
        var items = Items(3).Append(Items(1)[0]).ToList();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CollectAsync(client.GenerateBatchAsync(items, new BatchOptions(), TestContext.Current.CancellationToken)));

        Assert.StartsWith("The batch key 'item-000' appears more than once", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task An_invalid_item_is_refused_before_any_request()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100));
        var items = Items(2).Append(new BatchItem("bad", new ImageGenerationRequest("gpt-image-2", "x") { N = 9 })).ToList();

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => CollectAsync(client.GenerateBatchAsync(items, new BatchOptions(), TestContext.Current.CancellationToken)));

        Assert.StartsWith("Batch item 'bad': The request's N must be between 1 and 4", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_finished_batch_run_again_with_its_journal_is_reported_from_the_journal_without_any_request()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        var first = await CollectAsync(client.GenerateBatchAsync(Items(6), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken));
        var requests = _hub.Ledger.GenerationRequests.Count;

        var second = await CollectAsync(client.GenerateBatchAsync(Items(6), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken));

        Assert.Equal(requests, _hub.Ledger.GenerationRequests.Count);
        Assert.All(second, r => Assert.True(r.FromJournal));
        Assert.Equal(
            first.OrderBy(r => r.Key).Select(r => (r.Key, r.Status, r.GenerationId, r.Generation!.Images[0].Url)),
            second.OrderBy(r => r.Key).Select(r => (r.Key, r.Status, r.GenerationId, r.Generation!.Images[0].Url)));
    }

    [Fact]
    public async Task A_submitted_item_in_the_journal_is_resumed_by_id_and_never_posted_again()
    {
        var key = _hub.CreateApiKey(credits: 1000);
        using var client = Client(key);
        var operation = await client.StartImageGenerationAsync(Items(1)[0].Request, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Journal, $$"""
            {"v":1,"event":"submitting","key":"item-000","at":"2026-11-26T08:00:00+00:00"}
            {"v":1,"event":"submitted","key":"item-000","generation_id":"{{operation.Id}}","at":"2026-11-26T08:00:01+00:00"}

            """, TestContext.Current.CancellationToken);

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal(operation.Id, result.GenerationId);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests("item prompt 000"));
        Assert.EndsWith("\"event\":\"succeeded\"", (await File.ReadAllLinesAsync(Journal, TestContext.Current.CancellationToken))[^1].Split(",\"key\"")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_submit_whose_id_never_came_back_is_reported_unknown_and_not_resubmitted()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        await File.WriteAllTextAsync(Journal, """{"v":1,"event":"submitting","key":"item-000","at":"2026-11-26T08:00:00+00:00"}""" + "\n", TestContext.Current.CancellationToken);

        var results = await CollectAsync(client.GenerateBatchAsync(Items(2), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken));

        var unknown = Assert.Single(results, r => r.Key == "item-000");
        Assert.Equal(BatchItemStatus.Unknown, unknown.Status);
        Assert.StartsWith("Unknown, possibly charged", unknown.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _hub.Ledger.CountGenerationRequests("item prompt 000"));
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests("item prompt 001"));
    }

    [Fact]
    public async Task ResubmitUnknown_submits_such_an_item_again()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        await File.WriteAllTextAsync(Journal, """{"v":1,"event":"submitting","key":"item-000","at":"2026-11-26T08:00:00+00:00"}""" + "\n", TestContext.Current.CancellationToken);

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal, ResubmitUnknown = true }, TestContext.Current.CancellationToken)));

        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests("item prompt 000"));
    }

    [Fact]
    public async Task A_refused_item_is_submitted_again_on_the_next_run()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        _hub.Faults.FailNext(429, "rateLimited", count: 1, endpoint: EmulatorEndpoint.CreateGeneration);
        var first = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        var second = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        Assert.Equal(BatchItemStatus.Failed, first.Status);
        Assert.Equal(BatchItemStatus.Succeeded, second.Status);
    }

    [Fact]
    public async Task Invalid_batch_options_are_refused_together_before_anything_is_sent()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        var options = new BatchOptions { MaxConcurrency = 0, CreditBudget = -1, Polling = new PollingOptions { Timeout = TimeSpan.Zero } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CollectAsync(client.GenerateBatchAsync(Items(1), options, TestContext.Current.CancellationToken)));

        Assert.Contains("BatchOptions.MaxConcurrency", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BatchOptions.CreditBudget", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BatchOptions.Polling.Timeout", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Two_runs_cannot_share_one_journal()
    {
        using var client = Client(_hub.CreateApiKey(credits: 1000));
        await using var first = client.GenerateBatchAsync(Items(50), new BatchOptions { JournalPath = Journal, MaxConcurrency = 1 }, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await first.MoveNextAsync());

        // The first run must still hold the journal: a run that has finished lets it go even before its
        // results are read (with 3 items a loaded CI machine finished them all before the second run opened).
        _hub.Faults.DelayNext(TimeSpan.FromSeconds(30), count: 1000, endpoint: EmulatorEndpoint.GetGeneration);

        // The documented IOException (gih tells this kind apart to say what to change).
        var ex = await Assert.ThrowsAnyAsync<IOException>(() => CollectAsync(client.GenerateBatchAsync(Items(3), new BatchOptions { JournalPath = Journal }, TestContext.Current.CancellationToken)));

        Assert.Contains("is in use by another process", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_stops_new_submissions_but_every_started_submit_is_journaled_and_the_rerun_completes()
    {
        var key = _hub.CreateApiKey(credits: 10_000);
        using var client = Client(key);
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GenerateBatchAsync(Items(40), new BatchOptions { MaxConcurrency = 4, JournalPath = Journal }, cts.Token))
            {
                if (++seen == 5)
                {
                    await cts.CancelAsync();
                }
            }
        });

        var entries = (await File.ReadAllLinesAsync(Journal, TestContext.Current.CancellationToken)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var started = entries.Where(e => e.GetProperty("event").GetString() == "submitting").Select(e => e.GetProperty("key").GetString()).ToHashSet();
        var answered = entries.Where(e => e.GetProperty("event").GetString() is "submitted" or "rejected" or "unknown").Select(e => e.GetProperty("key").GetString()).ToHashSet();
        var notSent = entries.Where(e => e.GetProperty("event").GetString() == "not_sent").Select(e => e.GetProperty("key").GetString()).ToHashSet();

        // A submit the stop caught before its POST went is recorded not sent; every other one has its answer.
        Assert.Equal(started, answered.Union(notSent).ToHashSet());
        Assert.Empty(answered.Intersect(notSent));
        Assert.Equal(answered.Count, _hub.Ledger.GenerationRequests.Count);
        Assert.True(started.Count < 40, "cancellation should have stopped new submissions");

        var rerun = await CollectAsync(client.GenerateBatchAsync(Items(40), new BatchOptions { MaxConcurrency = 4, JournalPath = Journal }, TestContext.Current.CancellationToken));

        Assert.Equal(40, rerun.Count(r => r.Status == BatchItemStatus.Succeeded));
        Assert.All(Items(40), item => Assert.Equal(1, _hub.Ledger.CountGenerationRequests(item.Request.Prompt)));
    }
}
