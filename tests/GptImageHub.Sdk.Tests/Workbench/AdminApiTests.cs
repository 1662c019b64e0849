using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// The admin API, as a script in any language drives it: keys with credits, balances, the ledger,
/// generations with their status history, the request log, and every fault the C# API offers.
/// </summary>
public sealed class AdminApiTests : EmulatorTestBase
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    protected override EmulatorOptions CreateOptions() => new() { TimeProvider = _time, QueueDelay = TimeSpan.FromSeconds(2), ProcessingDelay = TimeSpan.FromSeconds(3) };

    [Fact]
    public async Task A_key_created_over_the_admin_API_works_at_once_and_is_listed_only_by_its_hint()
    {
        using var created = await PostAsync("keys", """{"credits":25,"account_type":"FREE"}""");
        var body = await ReadJsonAsync(created, HttpStatusCode.Created);
        var key = body.GetProperty("api_key").GetString()!;

        using var credits = await GetAsync("api/v1/credits", key);
        var balance = await ReadJsonAsync(credits, HttpStatusCode.OK);
        Assert.Equal((25, "FREE"), (balance.GetProperty("credits").GetInt64(), balance.GetProperty("account_type").GetString()));
        Assert.Equal(Hub.GetUserId(key), body.GetProperty("user_id").GetString());

        using var accounts = await Http.GetAsync("_emulator/v1/accounts", Ct);
        var text = await accounts.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        var account = JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().Single(a => a.GetProperty("user_id").GetString() == Hub.GetUserId(key));
        Assert.Equal(25, account.GetProperty("credits").GetInt64());
        Assert.Equal(key[..13] + "…", account.GetProperty("keys")[0].GetProperty("hint").GetString());
    }

    [Fact]
    public async Task A_generation_shows_its_history_at_exact_times_its_CDN_images_its_charge_and_its_requests()
    {
        using var submitted = await PostJsonAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16","async":true}""", Key);
        var id = (await ReadJsonAsync(submitted, HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
        var queued = await GenerationAsync(id);
        Assert.Equal("queued", queued.GetProperty("status").GetString());

        _time.Advance(TimeSpan.FromSeconds(5));
        using var poll = await GetAsync("api/v1/generations/" + id, Key);
        Assert.Equal("succeeded", (await ReadJsonAsync(poll, HttpStatusCode.OK)).GetProperty("status").GetString());

        var generation = await GenerationAsync(id);
        Assert.Equal(
            ["queued 2026-12-01T08:00:00.000Z", "processing 2026-12-01T08:00:02.000Z", "succeeded 2026-12-01T08:00:05.000Z"],
            generation.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString() + " " + h.GetProperty("at").GetString()));
        Assert.Equal((8, 8), (generation.GetProperty("credits_requested").GetInt32(), generation.GetProperty("credits_charged").GetInt32()));
        Assert.StartsWith(Hub.CdnAddress + "cdn/generations/", generation.GetProperty("images")[0].GetProperty("url").GetString(), StringComparison.Ordinal);

        using var ledger = await Http.GetAsync("_emulator/v1/ledger", Ct);
        var charge = (await ReadJsonAsync(ledger, HttpStatusCode.OK)).GetProperty("data").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "charge");
        Assert.Equal((id, 8, 92), (charge.GetProperty("generation_id").GetString(), charge.GetProperty("credits").GetInt32(), charge.GetProperty("balance_after").GetInt32()));

        var log = await RequestLogAsync();
        Assert.Equal(["GET /api/v1/generations/" + id + " 200", "POST /api/v1/images/generations 202"], log.Select(r => $"{r.GetProperty("method").GetString()} {r.GetProperty("path").GetString()} {r.GetProperty("status")}"));
        Assert.Equal(id, log[1].GetProperty("generation_id").GetString());
        Assert.False(log[1].GetProperty("possibly_charged").GetBoolean());
        Assert.True(log[1].GetProperty("authorized").GetBoolean());
    }

    [Fact]
    public async Task Process_then_fail_over_the_admin_API_charges_answers_502_and_logs_the_request_as_possibly_charged()
    {
        using var injected = await PostAsync("faults", """{"kind":"status","status":502,"endpoint":"create_generation","after_processing":true}""");
        Assert.Equal(1, (await ReadJsonAsync(injected, HttpStatusCode.Created)).GetProperty("pending").GetInt32());

        using var answer = await PostJsonAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16","async":true}""", Key);

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var charge = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge);
        var row = Assert.Single(await RequestLogAsync());
        Assert.Equal((502, "status 502 after processing", charge.GenerationId, true), (row.GetProperty("status").GetInt32(), row.GetProperty("fault").GetString(), row.GetProperty("generation_id").GetString(), row.GetProperty("possibly_charged").GetBoolean()));
    }

    [Fact]
    public async Task A_dropped_answer_is_logged_without_a_status_and_as_possibly_charged()
    {
        using var injected = await PostAsync("faults", """{"kind":"drop","endpoint":"create_generation","after_processing":true}""");
        await ReadJsonAsync(injected, HttpStatusCode.Created);

        await Assert.ThrowsAsync<HttpRequestException>(() => PostJsonAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16","async":true}""", Key));

        await WaitUntilAsync(() => Hub.Ledger.Entries.Any(e => e.Kind == LedgerEntryKind.Charge));
        List<JsonElement> log = [];
        await WaitUntilAsync(() => (log = RequestLogAsync().GetAwaiter().GetResult()).Count == 1);
        var row = Assert.Single(log);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("status").ValueKind);
        Assert.Equal("drop after processing", row.GetProperty("fault").GetString());
        Assert.True(row.GetProperty("possibly_charged").GetBoolean());
    }

    public static TheoryData<string, string> FaultTwins() => new()
    {
        { """{"kind":"status","status":503,"retry_after_seconds":2,"count":2}""", "FailNext(503, retryAfter: 2 s, count: 2)" },
        { """{"kind":"status","status":500,"error_code":"generationFailed","endpoint":"create_generation"}""", "FailNext(500, generationFailed, CreateGeneration)" },
        { """{"kind":"status","status":504,"after_processing":true}""", "FailNext(504, afterProcessing)" },
        { """{"kind":"body","status":502,"body":"<html>Bad gateway</html>"}""", "RespondNext(502, html)" },
        { """{"kind":"delay","delay_ms":30000,"endpoint":"credits"}""", "DelayNext(30 s, Credits)" },
        { """{"kind":"drop"}""", "DropNext()" },
        { """{"kind":"drop","after_processing":true,"endpoint":"create_generation"}""", "DropNext(afterProcessing, CreateGeneration)" },
        { """{"kind":"fail_generation","count":3}""", "FailNextGeneration(3)" },
        { """{"kind":"fewer_images","images_delivered":1}""", "DeliverFewerImagesNext(1)" },
    };

    [Theory]
    [MemberData(nameof(FaultTwins))]
    public async Task Every_fault_of_the_admin_API_is_the_same_fault_as_its_CSharp_call(string json, string csharp)
    {
        using var injected = await PostAsync("faults", json);
        var overHttp = (await ReadJsonAsync(injected, HttpStatusCode.Created)).GetRawText();
        Hub.Faults.Clear();
        Apply(csharp, Hub.Faults);

        using var listed = await Http.GetAsync("_emulator/v1/faults", Ct);
        Assert.Equal(overHttp, (await ReadJsonAsync(listed, HttpStatusCode.OK)).GetRawText());
        using var cleared = await Http.DeleteAsync("_emulator/v1/faults", Ct);
        Assert.Equal(0, (await ReadJsonAsync(cleared, HttpStatusCode.OK)).GetProperty("pending").GetInt32());
        Assert.Equal(0, Hub.Faults.PendingCount);
    }

    [Fact]
    public async Task A_status_fault_from_the_admin_API_answers_the_next_request_with_its_status_and_Retry_After()
    {
        using var injected = await PostAsync("faults", """{"kind":"status","status":503,"retry_after_seconds":2,"endpoint":"credits"}""");
        await ReadJsonAsync(injected, HttpStatusCode.Created);

        using var models = await GetAsync("api/v1/models");
        using var credits = await GetAsync("api/v1/credits", Key);
        using var again = await GetAsync("api/v1/credits", Key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (models.StatusCode, credits.StatusCode, again.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(2), credits.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task The_admin_API_and_the_dashboard_refuse_a_request_that_names_a_host_other_than_loopback()
    {
        foreach (var path in new[] { "_emulator/v1/state", string.Empty })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "attacker.example";
            using var response = await Http.SendAsync(request, Ct);
            await AssertErrorAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }

        using var local = new HttpRequestMessage(HttpMethod.Get, "_emulator/v1/state");
        local.Headers.Host = "localhost:" + Hub.BaseAddress.Port;
        using var allowed = await Http.SendAsync(local, Ct);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [InlineData("10.1.2.3", "127.0.0.1", false, false)]
    [InlineData("127.0.0.1", "127.0.0.1", false, true)]
    [InlineData("::1", "[::1]", false, true)]
    [InlineData("127.0.0.1", "rebound.example", false, false)]
    [InlineData("10.1.2.3", "emulator.lan", true, true)]
    public async Task Only_loopback_callers_reach_the_admin_API_unless_AllowRemoteAdmin(string remote, string host, bool allowRemote, bool admitted)
    {
        var state = new EmulatorState(new EmulatorOptions { AllowRemoteAdmin = allowRemote });
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());
        GptImageHub.Emulator.Admin.AdminGuard.Use(app, state);
        var reached = false;
        app.Run(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Host = new HostString(host);
        context.Request.Path = "/_emulator/v1/state";
        context.Response.Body = new MemoryStream();
        context.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();

        await app.Build()(context);

        Assert.Equal(admitted, reached);
        Assert.Equal(admitted ? 200 : 403, context.Response.StatusCode);
        await state.StopAsync();
        state.Dispose();
    }

    [Fact]
    public async Task The_request_log_leaves_out_the_admin_API_and_the_dashboard_themselves()
    {
        using var page = await Http.GetAsync(string.Empty, Ct);
        using var state = await Http.GetAsync("_emulator/v1/state", Ct);
        using var models = await GetAsync("api/v1/models");

        var row = Assert.Single(await RequestLogAsync());
        Assert.Equal("/api/v1/models", row.GetProperty("path").GetString());
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("img-src 'self' " + Hub.CdnAddress.GetLeftPart(UriPartial.Authority), page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static void Apply(string call, EmulatorFaults faults)
    {
        switch (call)
        {
            case "FailNext(503, retryAfter: 2 s, count: 2)": faults.FailNext(503, retryAfter: TimeSpan.FromSeconds(2), count: 2); break;
            case "FailNext(500, generationFailed, CreateGeneration)": faults.FailNext(500, "generationFailed", endpoint: EmulatorEndpoint.CreateGeneration); break;
            case "FailNext(504, afterProcessing)": faults.FailNext(504, afterProcessing: true); break;
            case "RespondNext(502, html)": faults.RespondNext(502, "<html>Bad gateway</html>"); break;
            case "DelayNext(30 s, Credits)": faults.DelayNext(TimeSpan.FromSeconds(30), endpoint: EmulatorEndpoint.Credits); break;
            case "DropNext()": faults.DropNext(); break;
            case "DropNext(afterProcessing, CreateGeneration)": faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true); break;
            case "FailNextGeneration(3)": faults.FailNextGeneration(3); break;
            case "DeliverFewerImagesNext(1)": faults.DeliverFewerImagesNext(1); break;
            default: throw new ArgumentOutOfRangeException(nameof(call), call, null);
        }
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Http.PostAsync("_emulator/v1/" + path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")), Ct);

    private async Task<JsonElement> GenerationAsync(string id)
    {
        using var response = await Http.GetAsync("_emulator/v1/generations", Ct);
        return (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("data").EnumerateArray().Single(g => g.GetProperty("id").GetString() == id);
    }

    private async Task<List<JsonElement>> RequestLogAsync()
    {
        using var response = await Http.GetAsync("_emulator/v1/requests", Ct);
        return [.. (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("data").EnumerateArray()];
    }
}
