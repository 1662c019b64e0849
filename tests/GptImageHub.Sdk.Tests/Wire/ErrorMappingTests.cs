using System.Net;
using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

public sealed class ErrorMappingTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    /// <summary>One row per row of the API's errors table.</summary>
    public static TheoryData<int, string, string, Type> DocumentedErrors => new()
    {
        { 400, "invalid_request", "Invalid request body", typeof(InvalidRequestException) },
        { 401, "missingApiKey", "Missing Authorization header", typeof(MissingApiKeyException) },
        { 401, "invalidApiKey", "API key does not exist or was revoked", typeof(InvalidApiKeyException) },
        { 401, "expiredApiKey", "API key expired", typeof(ExpiredApiKeyException) },
        { 402, "insufficientCredits", "Not enough credits", typeof(InsufficientCreditsException) },
        { 404, "notFound", "Resource not found", typeof(NotFoundException) },
        { 500, "generationFailed", "Image generation failed", typeof(GenerationFailedException) },
    };

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task Each_documented_error_becomes_its_typed_exception_with_status_code_and_message(int status, string code, string message, Type expected)
    {
        _server.StubJson("GET", "/api/v1/credits", status, $$$"""{"error":{"message":"{{{message}}}","code":"{{{code}}}"}}""");
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(expected, ex.GetType());
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(code, ex.ErrorCode);

        // A 404 on the credits path (which always exists) adds that the base address is wrong (HostileWrongAddressTests).
        var expectedMessage = $"{message} (HTTP {status} {code})";
        if (status == 404)
        {
            Assert.StartsWith(expectedMessage + ": GET /api/v1/credits does not exist at the base address ", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expectedMessage, ex.Message);
        }

        Assert.Null(ex.GenerationId);
    }

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task Each_documented_error_on_a_generation_submit_is_mapped_the_same_way(int status, string code, string message, Type expected)
    {
        _server.StubJson("POST", "/api/v1/images/generations", status, $$$"""{"error":{"message":"{{{message}}}","code":"{{{code}}}"}}""");
        using var client = _server.CreateSdkClient(o => o.GenerationMode = GenerationMode.ServerWait);

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        Assert.Equal(expected, ex.GetType());
        Assert.Equal(code, ex.ErrorCode);
    }

    [Fact]
    public async Task An_error_body_that_starts_with_a_byte_order_mark_is_still_read_as_json()
    {
        // The mark was kept in the decoded text, so the body did not start with '{' and its code was lost.
        using var http = new HttpClient(new BomErrorHandler());
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<InsufficientCreditsException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("insufficientCredits", ex.ErrorCode);
    }

    private sealed class BomErrorHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            byte[] body = [0xEF, 0xBB, 0xBF, .. """{"error":{"message":"Not enough credits","code":"insufficientCredits"}}"""u8];
            return Task.FromResult(new HttpResponseMessage((HttpStatusCode)402) { Content = new ByteArrayContent(body) });
        }
    }

    [Fact]
    public async Task The_seed_error_body_is_read_verbatim()
    {
        _server.StubJson("GET", "/api/v1/credits", 400, SeedResponses.Error);
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("Invalid request body (HTTP 400 invalid_request)", ex.Message);
    }

    [Fact]
    public async Task An_HTML_502_from_a_proxy_becomes_ServiceException_with_a_short_excerpt()
    {
        var html = "<html><head><title>502 Bad Gateway</title></head><body>\n<center><h1>502 Bad Gateway</h1></center>\n" + new string('x', 5000) + "</body></html>";
        _server.StubRaw("GET", "/api/v1/credits", 502, "text/html", html);
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Null(ex.ErrorCode);
        Assert.StartsWith("The service returned HTTP 502 (Bad Gateway) with body: <html><head><title>502 Bad Gateway</title></head><body> <center>", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 300, ex.Message);
    }

    [Fact]
    public async Task An_empty_503_becomes_ServiceException_that_says_the_body_was_empty()
    {
        _server.StubRaw("GET", "/api/v1/credits", 503, contentType: null, body: "");
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("The service returned HTTP 503 (Service Unavailable) with an empty body.", ex.Message);
    }

    [Fact]
    public async Task A_429_becomes_RateLimitedException_with_Retry_After()
    {
        _server.StubJson("GET", "/api/v1/credits", 429, """{"error":{"message":"Slow down","code":"rateLimited"}}""", ("Retry-After", "17"));
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal((HttpStatusCode)429, ex.StatusCode);
        Assert.Equal("rateLimited", ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(17), ex.RetryAfter);
    }

    [Fact]
    public async Task An_unknown_code_on_a_documented_status_becomes_ServiceException_with_the_code()
    {
        _server.StubJson("GET", "/api/v1/credits", 400, """{"error":{"message":"Prompt rejected","code":"contentPolicy"}}""");
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("contentPolicy", ex.ErrorCode);
        Assert.Equal("Prompt rejected (HTTP 400 contentPolicy)", ex.Message);
    }

    [Fact]
    public async Task A_documented_code_on_another_status_becomes_ServiceException()
    {
        _server.StubJson("GET", "/api/v1/credits", 403, """{"error":{"message":"nope","code":"invalidApiKey"}}""");
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Theory]
    [InlineData("""{"error":"just a string"}""")]
    [InlineData("""{"message":"no error object"}""")]
    [InlineData("""{"error":{"message":"truncated""")]
    [InlineData("""[1,2,3]""")]
    public async Task An_error_body_of_another_shape_becomes_ServiceException(string body)
    {
        _server.StubJson("GET", "/api/v1/credits", 401, body);
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task A_key_echoed_back_by_the_server_is_redacted_from_the_message()
    {
        _server.StubJson("GET", "/api/v1/credits", 401, $$$"""{"error":{"message":"Key {{{TestKeys.ApiKey}}} is invalid; also gih_live_SomeOtherKey99","code":"invalidApiKey"}}""");
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<InvalidApiKeyException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.DoesNotContain(TestKeys.ApiKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("gih_live_", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Key [redacted] is invalid; also [redacted] (HTTP 401 invalidApiKey)", ex.Message);
    }

    [Theory]
    [InlineData("""{"object":"image_generation","id":"g1","status":"succe""", "truncated JSON")]
    [InlineData("""[{"id":"g1"}]""", "an array")]
    [InlineData("""{"id":"g1","status":42}""", "a number for status")]
    [InlineData("""{"status":"succeeded"}""", "no id")]
    [InlineData("""{"id":"g1"}""", "no status")]
    [InlineData("""null""", "JSON null")]
    [InlineData("""<html>ok</html>""", "HTML")]
    [InlineData("", "an empty body")]
    [InlineData("""{"id":"g1","status":"succeeded","images":[{"id":"i"}]}""", "an image without url")]
    [InlineData("""{"id":"g1","status":"succeeded","usage":{"credits":99999999999}}""", "a number too large")]
    public async Task An_unreadable_2xx_body_becomes_InvalidResponseException(string body, string what)
    {
        _server.StubRaw("GET", "/api/v1/generations/g1", 200, "application/json", body);
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetGenerationAsync("g1", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        Assert.Equal("g1", ex.GenerationId);
        Assert.StartsWith("The service returned HTTP 200 with a body the SDK cannot read:", ex.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public async Task An_unknown_status_value_and_extra_fields_are_kept()
    {
        _server.StubJson("GET", "/api/v1/generations/g1", 200, """{"id":"g1","status":"moderating","progress":0.4,"images":null,"eta":{"seconds":12}}""");
        using var client = _server.CreateSdkClient();

        var generation = await client.GetGenerationAsync("g1", TestContext.Current.CancellationToken);

        Assert.Equal("moderating", generation.Status.ToString());
        Assert.False(generation.Status.IsTerminal);
        Assert.Empty(generation.Images);
        Assert.Equal(0.4, generation.AdditionalProperties["progress"].GetDouble());
        Assert.Equal(12, generation.AdditionalProperties["eta"].GetProperty("seconds").GetInt32());
    }

    [Fact]
    public async Task A_refused_connection_becomes_GptImageHubConnectionException_with_the_inner_exception()
    {
        var port = LoopbackPort.Unused();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.StartsWith("GET /api/v1/credits failed:", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_becomes_GptImageHubConnectionException()
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Truncate(200, """{"credits":112,"account_type":"PRO"}"""));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith("GET /api/v1/credits failed:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_closed_before_any_answer_becomes_GptImageHubConnectionException()
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Drop());
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.IsType<HttpRequestException>(ex.InnerException);
    }
}
