using System.Net;
using System.Text;
using System.Text.Json;
using GptImageHub.Sdk.Tests.Emulator;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// The admin API under the same hostile inputs as the SDK: malformed JSON, huge bodies, unknown fields,
/// wrong types and methods. Each gets a 4xx with a clear JSON error, the emulator keeps serving, and
/// nothing changes: no account, no ledger entry, no fault.
/// </summary>
public sealed class AdminHostileInputTests : EmulatorTestBase
{
    public static TheoryData<string, string, string?, string, int, string> HostileRequests() => new()
    {
        { "POST", "keys", "application/json", "{", 400, "invalid_json" },
        { "POST", "keys", "application/json", "[1,2]", 400, "invalid_json" },
        { "POST", "keys", "application/json", "null", 400, "invalid_json" },
        { "POST", "keys", "application/json", "", 400, "invalid_json" },
        { "POST", "keys", "application/json", "{\"credits\":\"10\"}", 400, "invalid_json" },
        { "POST", "keys", "application/json", "{\"credits\":1e400}", 400, "invalid_json" },
        { "POST", "keys", "application/json", "{\"credits\":10}{\"credits\":10}", 400, "invalid_json" },
        { "POST", "keys", "application/json", new string('[', 5000) + new string(']', 5000), 400, "invalid_json" },
        { "POST", "keys", "application/json", "{\"credits\":10,\"colour\":\"red\"}", 400, "unknown_field" },
        { "POST", "keys", "application/json", "{\"credits\":-1}", 400, "invalid_request" },
        { "POST", "keys", "application/json", "{\"credits\":1,\"account_type\":\" \"}", 400, "invalid_request" },
        { "POST", "keys", "application/json", "{\"credits\":1,\"note\":\"" + new string('x', 70_000) + "\"}", 413, "body_too_large" },
        { "POST", "keys", "text/plain", "{\"credits\":1}", 415, "unsupported_media_type" },
        { "POST", "keys", "application/x-www-form-urlencoded", "credits=1", 415, "unsupported_media_type" },
        { "POST", "keys", null, "", 415, "unsupported_media_type" },
        { "POST", "faults", "application/json", "{\"kind\":\"status\"}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"status\",\"status\":99}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"status\",\"status\":503,\"count\":0}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"status\",\"status\":503,\"retry_after_seconds\":-1}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"status\",\"status\":503,\"retry_after_seconds\":1e300}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"explode\"}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"delay\",\"delay_ms\":-5}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"delay\",\"delay_ms\":1e300}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"delay\",\"delay_ms\":100,\"status\":503}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"drop\",\"endpoint\":\"nowhere\"}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"fail_generation\",\"endpoint\":\"credits\"}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"fewer_images\",\"images_delivered\":-1}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"body\",\"status\":502}", 400, "invalid_fault" },
        { "POST", "faults", "application/json", "{\"kind\":\"status\",\"status\":503,\"Kind\":\"drop\"}", 400, "unknown_field" },
        { "PUT", "faults", "application/json", "{\"kind\":\"drop\"}", 405, "method_not_allowed" },
        { "PATCH", "keys", "application/json", "{\"credits\":1}", 405, "method_not_allowed" },
        { "GET", "keys", null, "", 405, "method_not_allowed" },
        { "DELETE", "state", null, "", 405, "method_not_allowed" },
        { "POST", "ledger", "application/json", "{}", 405, "method_not_allowed" },
        { "GET", "nothing", null, "", 404, "not_found" },
        { "POST", "../v2/keys", "application/json", "{\"credits\":1}", 404, "not_found" },
    };

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task A_hostile_admin_request_gets_a_clear_4xx_and_changes_nothing(string method, string path, string? contentType, string body, int status, string code)
    {
        var before = Snapshot();
        using var request = new HttpRequestMessage(new HttpMethod(method), "_emulator/v1/" + path);
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await Http.SendAsync(request, Ct);

        var message = await AssertErrorAsync(response, (HttpStatusCode)status, code);
        Assert.True(message.Length is > 10 and < 300, message);
        if (status == 405)
        {
            Assert.NotEmpty(response.Content.Headers.Allow);
        }

        Assert.Equal(before, Snapshot());
        using var health = await Http.GetAsync("api/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_huge_body_without_a_length_is_cut_off_at_64_KiB_and_changes_nothing()
    {
        var before = Snapshot();
        var huge = "{\"credits\":1,\"pad\":\"" + new string('x', 1_000_000) + "\"}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "_emulator/v1/keys") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Http.SendAsync(request, Ct);

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_refused_request_leaves_the_faults_a_test_already_set_in_place()
    {
        Hub.Faults.FailNext(503, count: 2);
        using var refused = await Http.PostAsync("_emulator/v1/faults", new StringContent("{\"kind\":\"status\",\"status\":503,\"count\":-3}", Encoding.UTF8, "application/json"), Ct);

        await AssertErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_fault");
        using var faults = await Http.GetAsync("_emulator/v1/faults", Ct);
        var pending = await ReadJsonAsync(faults, HttpStatusCode.OK);
        Assert.Equal(2, pending.GetProperty("pending").GetInt32());
        Assert.Equal("status 503", pending.GetProperty("data")[0].GetProperty("description").GetString());
    }

    private string Snapshot() =>
        JsonSerializer.Serialize(new
        {
            Accounts = Hub.Ledger.Entries.Count(e => e.Kind == GptImageHub.Emulator.LedgerEntryKind.Grant),
            Entries = Hub.Ledger.Entries.Count,
            Hub.Faults.PendingCount,
        });
}
