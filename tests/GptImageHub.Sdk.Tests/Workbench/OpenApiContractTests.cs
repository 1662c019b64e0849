using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.ExtensionsAI;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// docs/openapi.json is the one written contract: the emulator's answers and the SDK's requests are
/// checked against it, so the three cannot drift apart.
/// </summary>
public sealed class OpenApiContractTests : IAsyncLifetime
{
    private static readonly OpenApiContract Contract = OpenApiContract.Instance;
    private GptImageHubEmulator _hub = null!;
    private HttpClient _http = null!;
    private string _key = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _hub = await GptImageHubEmulator.StartAsync(cancellationToken: Ct);
        _http = new HttpClient { BaseAddress = _hub.BaseAddress };
        _key = _hub.CreateApiKey(credits: 100);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public void The_document_is_OpenAPI_3_1_and_describes_exactly_the_four_endpoints()
    {
        Assert.Equal(
            ["GET /api/v1/credits", "GET /api/v1/generations/{generationId}", "GET /api/v1/models", "POST /api/v1/images/generations"],
            Contract.Operations.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["expiredApiKey", "generationFailed", "insufficientCredits", "invalidApiKey", "invalid_request", "missingApiKey", "notFound"],
            Contract.Document.Components!.Schemas!["ErrorEnvelope"].Properties!["error"].Properties!["code"].Enum!.Select(c => c!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_emulator_serves_the_repository_file_byte_for_byte_at_openapi_json()
    {
        using var response = await _http.GetAsync("openapi.json", Ct);

        Assert.Equal("application/vnd.oai.openapi+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(OpenApiContract.FilePath, Ct), await response.Content.ReadAsByteArrayAsync(Ct));
    }

    public static TheoryData<string> Answers() =>
    [
        "models", "credits", "credits without a key (401)", "credits with an unknown key (401)", "credits with an expired key (401)",
        "synchronous generation (200)", "asynchronous generation (202)", "poll of a finished job (200)", "poll of an unknown id (404)",
        "invalid request (400)", "insufficient credits (402)", "failed generation (500)", "multipart generation (200)",
    ];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_emulator_answer_meets_the_document(string answer)
    {
        var expired = _hub.CreateApiKey(credits: 100, expiresAt: DateTimeOffset.UtcNow.AddDays(-1));
        var (method, path, response) = answer switch
        {
            "models" => await SendAsync(HttpMethod.Get, "api/v1/models", key: null),
            "credits" => await SendAsync(HttpMethod.Get, "api/v1/credits", _key),
            "credits without a key (401)" => await SendAsync(HttpMethod.Get, "api/v1/credits", key: null),
            "credits with an unknown key (401)" => await SendAsync(HttpMethod.Get, "api/v1/credits", "gih_live_" + new string('x', 32)),
            "credits with an expired key (401)" => await SendAsync(HttpMethod.Get, "api/v1/credits", expired),
            "synchronous generation (200)" => await GenerateAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16","n":2}"""),
            "asynchronous generation (202)" => await GenerateAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16","async":true}"""),
            "poll of a finished job (200)" => await PollFinishedAsync(),
            "poll of an unknown id (404)" => await SendAsync(HttpMethod.Get, "api/v1/generations/cnothing", _key),
            "invalid request (400)" => await GenerateAsync("""{"model":"gpt-image-2","prompt":"a fox","n":9}"""),
            "insufficient credits (402)" => await GenerateAsync("""{"model":"gpt-image-2","prompt":"a fox","n":4,"quality":"4K"}""", _hub.CreateApiKey(credits: 1)),
            "failed generation (500)" => await FailGenerationAsync(),
            "multipart generation (200)" => await MultipartAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(answer)),
        };
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            var problems = Contract.CheckResponse(method, path, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);

            Assert.True(problems.Count == 0, $"{answer}: {(int)response.StatusCode} {body}\n" + string.Join("\n", problems));
            Assert.Equal(answer.Contains('(', StringComparison.Ordinal) ? answer[(answer.IndexOf('(', StringComparison.Ordinal) + 1)..^1] : "200", ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static TheoryData<string, string> WrongAnswers() => new()
    {
        { "/api/v1/credits", """{"credits":1,"account_type":"PRO"}""" },
        { "/api/v1/credits", """{"credits":"1","account_type":"PRO","next_expiration":null}""" },
        { "/api/v1/generations/g", """{"object":"image_generation","id":"g","status":"done","model":"m","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00.000Z","images":[],"usage":{"credits":0}}""" },
        { "/api/v1/generations/g", """{"object":"image_generation","id":"g","status":"queued","model":"m","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00.000Z","images":[{"id":"i","object":"image","url":"not a url","created_at":"2026-04-30T08:00:00.000Z"}],"usage":{"credits":0}}""" },
        { "/api/v1/generations/g", """{"object":"generation","id":"g","status":"queued","model":"m","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00.000Z","images":[],"usage":{"credits":0}}""" },
    };

    [Theory]
    [MemberData(nameof(WrongAnswers))]
    public void The_checker_finds_an_answer_that_breaks_the_document(string path, string body) =>
        Assert.NotEmpty(Contract.CheckResponse("GET", path, 200, "application/json", body));

    [Theory]
    [InlineData("""{"error":{"message":"m","code":"notFound"},"extra":1}""")]
    [InlineData("""{"error":{"message":"m","code":"someOtherCode"}}""")]
    [InlineData("""{"error":{"code":"notFound"}}""")]
    public void The_checker_finds_an_error_body_that_breaks_the_document(string body) =>
        Assert.NotEmpty(Contract.CheckResponse("GET", "/api/v1/credits", 401, "application/json", body));

    [Fact]
    public async Task Every_request_the_SDK_sends_meets_the_document()
    {
        var wire = new CapturingHandler();
        using var http = new HttpClient(wire) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions
        {
            ApiKey = _key,
            BaseAddress = _hub.BaseAddress,
            Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
        });
        using var serverWait = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = _key, BaseAddress = _hub.BaseAddress, GenerationMode = GenerationMode.ServerWait });

        await client.GetModelsAsync(Ct);
        await client.GetCreditsAsync(Ct);
        var polled = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Size = ImageSize.Create(16, 16), N = 2, AspectRatio = "1:1" }, Ct);
        await serverWait.GenerateImageAsync(new ImageGenerationRequest("nanobanana", "a fox") { Quality = new ImageQuality("1K") }, Ct);
        await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox with a hat") { Size = ImageSize.Create(16, 16), ReferenceImages = [ReferenceImage.FromBytes(TestImages.Png(), "hat.png"), ReferenceImage.FromBytes(TestImages.Jpeg(), "fox.jpg")] }, Ct);
        await client.DownloadImageAsync(polled.Images[0], Stream.Null, Ct);

        var api = wire.Requests.Where(r => r.Uri.Port == _hub.BaseAddress.Port).ToList();
        Assert.Contains(api, r => r.ContentType?.StartsWith("multipart/form-data", StringComparison.Ordinal) == true);
        Assert.Contains(api, r => r.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true);
        Assert.Contains(api, r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.StartsWith("/api/v1/generations/", StringComparison.Ordinal));
        foreach (var request in api)
        {
            var problems = Contract.CheckRequest(request.Method.Method, request.Uri.AbsolutePath, request.ContentType, request.Body);
            Assert.True(problems.Count == 0, $"{request.Method} {request.Uri}: " + string.Join("; ", problems));
        }

        // The image came from the other origin, which the document leaves to the CDN.
        Assert.Single(wire.Requests, r => r.Uri.Port == _hub.CdnAddress.Port);
    }

    [Theory]
    [InlineData("application/json", """{"model":"gpt-image-2"}""")]
    [InlineData("application/json", """{"model":"gpt-image-2","prompt":"p","n":5}""")]
    [InlineData("application/json", """{"model":"gpt-image-2","prompt":"p","async":"yes"}""")]
    [InlineData("application/json", """{"model":"gpt-image-2","prompt":"p","size":"large"}""")]
    [InlineData("text/plain", "prompt=p")]
    public void The_checker_finds_a_request_that_breaks_the_document(string contentType, string body) =>
        Assert.NotEmpty(Contract.CheckRequest("POST", "/api/v1/images/generations", contentType, Encoding.UTF8.GetBytes(body)));

    private async Task<(string Method, string Path, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return (method.Method, "/" + path, await _http.SendAsync(request, Ct));
    }

    private Task<(string, string, HttpResponseMessage)> GenerateAsync(string json, string? key = null) =>
        SendAsync(HttpMethod.Post, "api/v1/images/generations", key ?? _key, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<(string, string, HttpResponseMessage)> PollFinishedAsync()
    {
        var (_, _, created) = await GenerateAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16","async":true}""");
        using (created)
        {
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                var poll = await SendAsync(HttpMethod.Get, "api/v1/generations/" + id, _key);
                var body = await poll.Response.Content.ReadAsStringAsync(Ct);
                if (body.Contains("\"succeeded\"", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
                {
                    return ("GET", "/api/v1/generations/" + id, poll.Response);
                }

                poll.Response.Dispose();
                await Task.Delay(10, Ct);
            }
        }
    }

    private Task<(string, string, HttpResponseMessage)> FailGenerationAsync()
    {
        _hub.Faults.FailNextGeneration();
        return GenerateAsync("""{"model":"gpt-image-2","prompt":"a fox","size":"16x16"}""");
    }

    private Task<(string, string, HttpResponseMessage)> MultipartAsync()
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("gpt-image-2"), "model" },
            { new StringContent("a fox"), "prompt" },
            { new StringContent("16x16"), "size" },
        };
        var image = new ByteArrayContent(TestImages.Png());
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(image, "reference_image", "a.png");
        return SendAsync(HttpMethod.Post, "api/v1/images/generations", _key, form);
    }
}
