using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Emulator;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The emulator's admin API attacked the way a browser page or a careless script would: a rebound
/// host, paths in another case, keys in a URL, and faults injected over HTTP while the SDK generates.
/// </summary>
public sealed class HostileAdminTests : EmulatorTestBase
{
    protected override EmulatorOptions CreateOptions() => new() { ProcessingDelay = TimeSpan.FromMilliseconds(20) };

    /// <summary>
    /// Routing matches paths in any case, so a guard that matches its prefix in one case only lets a
    /// DNS-rebinding page in by writing the path in another (it could read the state, create funded keys, inject faults).
    /// </summary>
    [Theory]
    [InlineData("GET", "_EMULATOR/v1/state")]
    [InlineData("GET", "_Emulator/v1/requests")]
    [InlineData("POST", "_EMULATOR/v1/keys")]
    [InlineData("POST", "_emulatoR/v1/faults")]
    [InlineData("GET", "_EMULATOR/dashboard/index.html")]
    public async Task The_admin_API_refuses_a_rebound_host_whatever_the_case_of_its_path(string method, string path)
    {
        var grantsBefore = Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Grant);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Host = "rebound.example";
        if (method == "POST")
        {
            request.Content = new StringContent(path.Contains("keys", StringComparison.OrdinalIgnoreCase) ? """{"credits":1000}""" : """{"kind":"status","status":503}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(grantsBefore, Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Grant));
        Assert.Equal(0, Hub.Faults.PendingCount);
    }

    /// <summary>Paths the guard might read differently from the router: doubled slashes, dot segments, escapes. Sent raw, as a hostile page's fetch can.</summary>
    [Theory]
    [InlineData("//_emulator/v1/state")]
    [InlineData("/./_emulator/v1/state")]
    [InlineData("/x/../_emulator/v1/state")]
    [InlineData("/%5Femulator/v1/state")]
    [InlineData("/_emulator%2Fv1/state")]
    public async Task The_admin_API_refuses_a_rebound_host_whatever_the_spelling_of_its_path(string path)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Hub.BaseAddress.Port, Ct);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(Ct);

        Assert.DoesNotContain("\"accounts\"", answer, StringComparison.Ordinal);
        Assert.Matches(@"^HTTP/1\.1 (403|404|400)", answer);
    }

    /// <summary>A script that puts the key in the URL (as many APIs accept) must not find it in full in the request log or the dashboard's state.</summary>
    [Theory]
    [InlineData("api/v1/credits?api_key={key}")]
    [InlineData("api/v1/generations/{key}")]
    [InlineData("api/v1/models?key={key}&x=1")]
    [InlineData("api/v1/models?key={escaped}")]
    public async Task A_key_sent_in_a_URL_never_appears_in_full_in_an_admin_answer(string url)
    {
        using (await GetAsync(url.Replace("{key}", Key, StringComparison.Ordinal).Replace("{escaped}", Uri.EscapeDataString(Key).Replace("_", "%5F", StringComparison.Ordinal), StringComparison.Ordinal), Key))
        {
        }

        var secret = Key["gih_live_".Length..];
        foreach (var admin in new[] { "_emulator/v1/requests", "_emulator/v1/state" })
        {
            using var response = await Http.GetAsync(admin, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    /// <summary>The request log is how a test outside .NET counts POSTs ("never pay twice"): a charged POST missing from it hides a double charge.</summary>
    [Theory]
    [InlineData("API/v1/images/generations")]
    [InlineData("Api/V1/Images/Generations")]
    public async Task Every_charged_generation_POST_appears_in_the_request_log_whatever_the_case_of_its_path(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent("""{"model":"gpt-image-2","prompt":"case","async":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var response = await Http.SendAsync(request, Ct);
        var charged = Hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Charge);

        var posts = (await RequestLogAsync()).Count(r => r.GetProperty("method").GetString() == "POST");

        Assert.Equal((charged, 1), (posts, charged));
    }

    /// <summary>The two origins: the API port must not serve images, whatever the case of the path (production's API host has no /cdn/).</summary>
    [Fact]
    public async Task The_API_origin_does_not_serve_the_CDN_path_in_another_case()
    {
        using (var created = await PostJsonAsync("""{"model":"gpt-image-2","prompt":"origin","async":false}""", Key))
        {
            var generation = await ReadJsonAsync(created, HttpStatusCode.OK);
            var url = new Uri(generation.GetProperty("images")[0].GetProperty("url").GetString()!);
            using var upper = await Http.GetAsync(new Uri(Hub.BaseAddress, "/CDN" + url.AbsolutePath["/cdn".Length..]), Ct);
            Assert.Equal(HttpStatusCode.NotFound, upper.StatusCode);
        }
    }

    public static TheoryData<string> Faults() =>
    [
        """{"kind":"status","status":500,"after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"status","status":502,"after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"status","status":503,"retry_after_seconds":0,"after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"status","status":504,"after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"body","status":502,"body":"<html>bad gateway</html>","after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"body","status":200,"body":"{\"id\":","content_type":"application/json","after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"drop","after_processing":true,"endpoint":"create_generation"}""",
        """{"kind":"drop","endpoint":"create_generation"}""",
        """{"kind":"delay","delay_ms":50,"endpoint":"create_generation"}""",
        """{"kind":"status","status":500,"endpoint":"get_generation","count":2}""",
        """{"kind":"drop","endpoint":"get_generation"}""",
        """{"kind":"fail_generation"}""",
    ];

    /// <summary>
    /// A fault injected over the admin API while the SDK generates, on a connection the client already
    /// used (so a transport that silently re-sends on a reused connection would show): never two POSTs,
    /// and a failure after the job was created names it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Whatever_fault_the_admin_API_injects_the_SDK_posts_a_generation_at_most_once(string fault)
    {
        using var client = RetryingClient();
        await client.GetCreditsAsync(Ct);
        using (var injected = await Http.PostAsync("_emulator/v1/faults", new StringContent(fault, Encoding.UTF8, new MediaTypeHeaderValue("application/json")), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, injected.StatusCode);
        }

        Exception? error = null;
        try
        {
            await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "fault " + fault.GetHashCode(StringComparison.Ordinal)) { Quality = ImageQuality.Tier1K }, Ct);
        }
        catch (GptImageHubException ex)
        {
            error = ex;
        }

        var log = await RequestLogAsync();
        Assert.True(log.Count(r => r.GetProperty("method").GetString() == "POST") <= 1, string.Join("\n", log.Select(r => r.GetRawText())));
        Assert.True(Hub.Ledger.GenerationRequests.Count <= 1);
        var created = log.Where(r => r.GetProperty("method").GetString() == "POST" && !r.GetProperty("possibly_charged").GetBoolean() && r.GetProperty("generation_id").ValueKind == JsonValueKind.String && r.GetProperty("status").ValueKind == JsonValueKind.Number && r.GetProperty("status").GetInt32() is >= 200 and < 300).Select(r => r.GetProperty("generation_id").GetString()).FirstOrDefault();
        if (error is not null && created is not null)
        {
            // The client was handed the id (an unfaulted 2xx answer carried it): every later failure must name it.
            Assert.Equal(created, ((GptImageHubException)error).GenerationId);
        }
    }

    private GptImageHubClient RetryingClient() => new(
        new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan },
        new GptImageHubClientOptions
        {
            ApiKey = Key,
            BaseAddress = Hub.BaseAddress,
            MaxRetries = 3,
            RequestTimeout = TimeSpan.FromSeconds(5),
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false, Timeout = TimeSpan.FromSeconds(10) },
        });

    private async Task<List<JsonElement>> RequestLogAsync()
    {
        using var response = await Http.GetAsync("_emulator/v1/requests", Ct);
        return [.. (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("data").EnumerateArray().Select(e => e.Clone())];
    }
}
