using System.Net;
using System.Text.Json;
using GptImageHub.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorAsyncTests : EmulatorTestBase
{
    private static readonly TimeSpan Queue = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Processing = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 30, 8, 0, 0, TimeSpan.Zero));

    protected override EmulatorOptions CreateOptions() => new() { TimeProvider = _time, QueueDelay = Queue, ProcessingDelay = Processing };

    [Fact]
    public async Task Async_submit_answers_202_queued_with_held_credits_and_an_absolute_poll_url()
    {
        using var response = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "later", n = 2, async = true }), Key);

        var body = await ReadJsonAsync(response, HttpStatusCode.Accepted);
        var id = body.GetProperty("id").GetString();
        Assert.Equal("image_generation", body.GetProperty("object").GetString());
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal("2026-04-30T08:00:00.000Z", body.GetProperty("created_at").GetString());
        Assert.Equal(0, body.GetProperty("images").GetArrayLength());
        Assert.Equal(0, body.GetProperty("usage").GetProperty("credits").GetInt32());
        Assert.Equal(16, body.GetProperty("usage").GetProperty("credits_requested").GetInt32());
        Assert.Equal(new Uri(Hub.BaseAddress, "api/v1/generations/" + id), new Uri(body.GetProperty("poll_url").GetString()!));
        Assert.Equal(84, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Async_generation_moves_from_queued_to_succeeded_and_charges_once()
    {
        using var submit = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "progress", async = true }), Key);
        var pollUrl = (await ReadJsonAsync(submit, HttpStatusCode.Accepted)).GetProperty("poll_url").GetString()!;

        var queued = await PollAsync(pollUrl);
        _time.Advance(Queue);
        var processing = await PollAsync(pollUrl);
        _time.Advance(Processing - TimeSpan.FromMilliseconds(1));
        var stillProcessing = await PollAsync(pollUrl);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var succeeded = await PollAsync(pollUrl);
        var again = await PollAsync(pollUrl);

        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal("processing", processing.GetProperty("status").GetString());
        Assert.Equal("processing", stillProcessing.GetProperty("status").GetString());
        Assert.Equal(8, processing.GetProperty("usage").GetProperty("credits_requested").GetInt32());
        Assert.Empty(processing.GetProperty("images").EnumerateArray());
        Assert.Equal("succeeded", succeeded.GetProperty("status").GetString());
        Assert.Single(succeeded.GetProperty("images").EnumerateArray());
        Assert.Equal(8, succeeded.GetProperty("usage").GetProperty("credits").GetInt32());
        Assert.False(succeeded.GetProperty("usage").TryGetProperty("credits_requested", out _));
        Assert.Equal(succeeded.GetRawText(), again.GetRawText());
        var id = succeeded.GetProperty("id").GetString()!;
        var entry = Assert.Single(Hub.Ledger.GetEntriesForGeneration(id));
        Assert.Equal(LedgerEntryKind.Charge, entry.Kind);
        Assert.Equal(92, Hub.Ledger.GetBalance(Key));
        Assert.Equal(1, Hub.Ledger.ImagesDelivered);
    }

    [Fact]
    public async Task Async_generation_that_fails_ends_failed_and_refunds_everything()
    {
        Hub.Faults.FailNextGeneration();
        using var submit = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "doomed", n = 3, async = true }), Key);
        var pollUrl = (await ReadJsonAsync(submit, HttpStatusCode.Accepted)).GetProperty("poll_url").GetString()!;
        Assert.Equal(76, Hub.Ledger.GetBalance(Key));

        _time.Advance(Queue + Processing);
        var failed = await PollAsync(pollUrl);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Empty(failed.GetProperty("images").EnumerateArray());
        Assert.Equal(0, failed.GetProperty("usage").GetProperty("credits").GetInt32());
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
        Assert.Equal([LedgerEntryKind.Charge, LedgerEntryKind.Refund], Hub.Ledger.GetEntriesForGeneration(failed.GetProperty("id").GetString()!).Select(e => e.Kind));
    }

    [Fact]
    public async Task Background_run_finishes_a_job_nobody_polls()
    {
        using var submit = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "unwatched", n = 2, async = true }), Key);
        await ReadJsonAsync(submit, HttpStatusCode.Accepted);

        _time.Advance(Queue + Processing);

        await WaitUntilAsync(() => Hub.Ledger.ImagesDelivered == 2);
        Assert.Equal(84, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Sync_generation_answers_only_once_its_job_has_finished()
    {
        var pending = PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "wait for me" }), Key);
        await WaitUntilAsync(() => Hub.Ledger.TotalCharged == 8);
        Assert.False(pending.IsCompleted);

        using var response = await AdvanceUntilCompletedAsync(_time, Queue + Processing, pending);
        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(92, body.GetProperty("balance").GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Dispose_with_unfinished_jobs_and_a_waiting_request_completes_promptly()
    {
        using var submit = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "abandoned", async = true }), Key);
        await ReadJsonAsync(submit, HttpStatusCode.Accepted);
        var waiting = PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "cut off" }), Key);
        await WaitUntilAsync(() => Hub.Ledger.TotalCharged == 16);

        await Hub.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => waiting);
    }

    private async Task<JsonElement> PollAsync(string pollUrl)
    {
        using var response = await GetAsync(pollUrl, Key);
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }
}
