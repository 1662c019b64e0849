using System.Net;
using System.Text;
using System.Text.Json;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorGenerationTests : EmulatorTestBase
{
    [Fact]
    public async Task Sync_generation_returns_the_documented_succeeded_object_with_balance()
    {
        var body = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "A cinematic product photo", size = "1024x1024", quality = "high", n = 1 }));

        Assert.Equal("image_generation", body.GetProperty("object").GetString());
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal("gpt-image-2", body.GetProperty("model").GetString());
        Assert.Equal("1:1", body.GetProperty("aspect_ratio").GetString());
        Assert.Equal("1K", body.GetProperty("quality").GetString());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("created_at").GetString(), out _));
        var image = Assert.Single(body.GetProperty("images").EnumerateArray());
        Assert.Equal("image", image.GetProperty("object").GetString());
        Assert.False(string.IsNullOrEmpty(image.GetProperty("id").GetString()));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", image.GetProperty("created_at").GetString());
        var url = new Uri(image.GetProperty("url").GetString()!);
        Assert.True(url.IsAbsoluteUri);
        Assert.StartsWith(Hub.CdnAddress + "cdn/", url.AbsoluteUri, StringComparison.Ordinal);
        Assert.NotEqual(Hub.BaseAddress.Port, url.Port);
        Assert.EndsWith(".png", url.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(8, body.GetProperty("usage").GetProperty("credits").GetInt32());
        var balance = body.GetProperty("balance");
        Assert.Equal(92, balance.GetProperty("credits").GetInt64());
        Assert.Equal("PRO", balance.GetProperty("account_type").GetString());
        Assert.Equal(JsonValueKind.Null, balance.GetProperty("next_expiration").ValueKind);
        Assert.False(body.TryGetProperty("poll_url", out _));
    }

    [Theory]
    [InlineData("gpt-image-2", "1K", 3, 24)]
    [InlineData("gpt-image-2", "2K", 2, 20)]
    [InlineData("gpt-image-2", "4K", 1, 12)]
    [InlineData("nanobanana", "1K", 4, 16)]
    [InlineData("nanobanana2", "2K", 1, 9)]
    [InlineData("nanobananapro", "4K", 2, 36)]
    public async Task Generation_charges_the_tier_price_times_n(string model, string tier, int n, int expected)
    {
        var body = await GenerateAsync(Json(new { model, prompt = "priced", quality = tier, n, size = "64x64" }));

        Assert.Equal(n, body.GetProperty("images").GetArrayLength());
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("credits").GetInt32());
        Assert.Equal(100 - expected, Hub.Ledger.GetBalance(Key));
    }

    [Theory]
    [InlineData("1536x1024", "2K", "3:2", 10)]
    [InlineData("1024x1536", "2K", "2:3", 10)]
    [InlineData("512x512", "1K", "1:1", 8)]
    [InlineData("4096x2048", "4K", "2:1", 12)]
    [InlineData("auto", "1K", "1:1", 8)]
    public async Task Size_sets_the_priced_tier_and_the_echoed_aspect_ratio(string size, string tier, string ratio, int credits)
    {
        var body = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "sized", size, quality = "high" }));

        Assert.Equal(tier, body.GetProperty("quality").GetString());
        Assert.Equal(ratio, body.GetProperty("aspect_ratio").GetString());
        Assert.Equal(credits, body.GetProperty("usage").GetProperty("credits").GetInt32());
    }

    [Fact]
    public async Task Aspect_ratio_and_tier_are_echoed_as_asked()
    {
        var body = await GenerateAsync(Json(new { model = "nanobanana2", prompt = "wide", aspect_ratio = "16:9", quality = "2K" }));

        Assert.Equal("16:9", body.GetProperty("aspect_ratio").GetString());
        Assert.Equal("2K", body.GetProperty("quality").GetString());
        Assert.Equal(9, body.GetProperty("usage").GetProperty("credits").GetInt32());
    }

    [Fact]
    public async Task Unknown_json_fields_are_ignored()
    {
        var body = await GenerateAsync("""{"model":"gpt-image-2","prompt":"extra","style":"vivid","seed":42}""");

        Assert.Equal("succeeded", body.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"model":"gpt-image-9","prompt":"x"}""")]
    [InlineData("""{"prompt":"x"}""")]
    [InlineData("""{"model":"gpt-image-2"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"   "}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","n":0}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","n":5}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","n":-1}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","n":1.5}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","n":"2"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","async":"true"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","quality":"ultra"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","quality":"8K"}""")]
    [InlineData("""{"model":"nanobanana","prompt":"x","quality":"2K"}""")]
    [InlineData("""{"model":"nanobanana","prompt":"x","size":"2048x2048"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","size":"1024"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","size":"0x1024"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","size":"5000x1024"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","size":"1024X1024"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","aspect_ratio":"7:5"}""")]
    [InlineData("""{"model":"nanobanana","prompt":"x","aspect_ratio":"9:21"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x","reference_image":"abc"}""")]
    [InlineData("""{"model":"gpt-image-2","prompt":"x",""")]
    [InlineData("""["gpt-image-2"]""")]
    public async Task Invalid_request_is_400_invalid_request_and_charges_nothing(string json)
    {
        using var response = await PostJsonAsync(json, Key);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(0, Hub.Ledger.TotalCharged);
    }

    [Fact]
    public async Task Body_that_is_neither_json_nor_multipart_is_400_invalid_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/images/generations")
        {
            Content = new StringContent("model=gpt-image-2&prompt=x", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", Key);

        using var response = await Http.SendAsync(request, Ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Authentication_is_checked_before_the_request_rules()
    {
        using var response = await PostJsonAsync("""{"model":"gpt-image-9"}""", "gih_live_wrong");

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalidApiKey");
    }

    [Fact]
    public async Task Insufficient_credits_is_402_and_nothing_is_charged()
    {
        var poor = Hub.CreateApiKey(credits: 15);

        using var response = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "too dear", n = 2 }), poor);

        await AssertErrorAsync(response, HttpStatusCode.PaymentRequired, "insufficientCredits");
        Assert.Equal(15, Hub.Ledger.GetBalance(poor));
        Assert.DoesNotContain(Hub.Ledger.GetEntries(poor), e => e.Kind != GptImageHub.Emulator.LedgerEntryKind.Grant);
    }

    [Fact]
    public async Task Exact_balance_is_enough()
    {
        var exact = Hub.CreateApiKey(credits: 8);

        var body = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "exact" }), exact);

        Assert.Equal(0, body.GetProperty("balance").GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Generation_lookup_returns_the_same_object_as_the_sync_answer()
    {
        var created = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "look me up", n = 2 }));
        var id = created.GetProperty("id").GetString();

        using var response = await GetAsync("api/v1/generations/" + id, Key);

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(
            created.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("url").GetString()),
            body.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("url").GetString()));
        Assert.Equal(16, body.GetProperty("usage").GetProperty("credits").GetInt32());
    }

    [Fact]
    public async Task Unknown_generation_id_is_404_notFound()
    {
        using var response = await GetAsync("api/v1/generations/cnotarealid000000000000000", Key);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "notFound");
    }

    [Fact]
    public async Task Another_users_generation_is_404_notFound()
    {
        var created = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "mine" }));
        var stranger = Hub.CreateApiKey(credits: 100);

        using var response = await GetAsync("api/v1/generations/" + created.GetProperty("id").GetString(), stranger);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "notFound");
    }
}
