using System.Net;
using GptImageHub.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorFaultTests : EmulatorTestBase
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 30, 8, 0, 0, TimeSpan.Zero));

    protected override EmulatorOptions CreateOptions() => new() { TimeProvider = _time };

    [Fact]
    public async Task FailNext_answers_the_next_requests_with_the_status_and_code_then_recovers()
    {
        Hub.Faults.FailNext(500, "generationFailed", count: 2);

        using var first = await GetAsync("api/v1/credits", Key);
        using var second = await GetAsync("api/v1/models");
        using var third = await GetAsync("api/v1/credits", Key);

        await AssertErrorAsync(first, HttpStatusCode.InternalServerError, "generationFailed");
        await AssertErrorAsync(second, HttpStatusCode.InternalServerError, "generationFailed");
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(0, Hub.Faults.PendingCount);
    }

    [Fact]
    public async Task FailNext_for_one_endpoint_leaves_the_others_alone()
    {
        Hub.Faults.FailNext(402, "insufficientCredits", "Top up first", endpoint: EmulatorEndpoint.CreateGeneration);

        using var credits = await GetAsync("api/v1/credits", Key);
        using var generation = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "blocked" }), Key);

        Assert.Equal(HttpStatusCode.OK, credits.StatusCode);
        var message = await AssertErrorAsync(generation, HttpStatusCode.PaymentRequired, "insufficientCredits");
        Assert.Equal("Top up first", message);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests("blocked"));
        Assert.Equal(0, Hub.Ledger.TotalCharged);
    }

    [Fact]
    public async Task FailNext_without_a_code_sends_an_empty_body_and_retry_after()
    {
        Hub.Faults.FailNext(503, retryAfter: TimeSpan.FromSeconds(7));

        using var response = await GetAsync("api/v1/models");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task RespondNext_sends_a_body_that_is_not_json()
    {
        Hub.Faults.RespondNext(502, "<html><body>Bad gateway</body></html>", endpoint: EmulatorEndpoint.GetGeneration);

        using var response = await GetAsync("api/v1/generations/anything", Key);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bad gateway", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelayNext_holds_the_answer_until_the_clock_has_moved()
    {
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(30), endpoint: EmulatorEndpoint.Credits);

        var pending = GetAsync("api/v1/credits", Key);
        using (var models = await GetAsync("api/v1/models"))
        {
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        }

        // The fault is taken just before the server starts waiting on the fake clock.
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0);
        Assert.False(pending.IsCompleted);

        using var response = await AdvanceUntilCompletedAsync(_time, TimeSpan.FromSeconds(30), pending);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DropNext_aborts_the_connection_before_anything_is_charged()
    {
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "dropped" }), Key));

        Assert.Equal(1, Hub.Ledger.CountGenerationRequests("dropped"));
        Assert.Equal(0, Hub.Ledger.TotalCharged);
        using var retry = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "dropped" }), Key);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task DropNext_after_processing_charges_the_generation_but_loses_the_answer()
    {
        Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "lost answer", n = 2 }), Key));

        Assert.Equal(16, Hub.Ledger.NetCharged);
        Assert.Equal(2, Hub.Ledger.ImagesDelivered);
    }

    [Fact]
    public async Task Faults_are_served_in_the_order_they_were_added()
    {
        Hub.Faults.FailNext(429, "rate_limited");
        Hub.Faults.FailNext(503, "unavailable");

        using var first = await GetAsync("api/v1/models");
        using var second = await GetAsync("api/v1/models");

        await AssertErrorAsync(first, HttpStatusCode.TooManyRequests, "rate_limited");
        await AssertErrorAsync(second, HttpStatusCode.ServiceUnavailable, "unavailable");
    }

    [Fact]
    public async Task Clear_forgets_waiting_faults()
    {
        Hub.Faults.FailNext(500, "generationFailed", count: 3);
        Hub.Faults.FailNextGeneration();
        Hub.Faults.Clear();

        using var response = await GetAsync("api/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, Hub.Faults.PendingCount);
    }

    [Fact]
    public async Task Image_downloads_can_fail_on_their_own()
    {
        var generation = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "flaky cdn", size = "8x8" }));
        var url = generation.GetProperty("images")[0].GetProperty("url").GetString()!;
        Hub.Faults.FailNext(503, endpoint: EmulatorEndpoint.DownloadImage);

        using var failed = await GetAsync(url);
        using var retried = await GetAsync(url);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public void Fault_arguments_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Hub.Faults.FailNext(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hub.Faults.FailNext(500, count: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hub.Faults.DelayNext(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hub.Faults.DeliverFewerImagesNext(-1));
    }
}
