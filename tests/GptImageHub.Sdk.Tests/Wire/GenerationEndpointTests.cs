using System.Text;
using System.Text.Json.Nodes;
using GptImageHub.Sdk.Http;
using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

public sealed class GenerationEndpointTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private static ImageGenerationRequest SeedRequest => new("gpt-image-2", "A cinematic product photo with premium studio lighting")
    {
        Size = ImageSize.Square1024,
        Quality = ImageQuality.High,
        N = 1,
    };

    [Fact]
    public async Task StartImageGeneration_sends_the_seed_body_with_async_true_byte_for_byte()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();

        await client.StartImageGenerationAsync(SeedRequest, TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.Requests());
        Assert.Equal("POST", request.RequestMessage.Method);
        Assert.Equal("/api/v1/images/generations", request.RequestMessage.Path);
        Assert.Equal("Bearer " + TestKeys.ApiKey, request.Header("Authorization"));
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal(
            """{"model":"gpt-image-2","prompt":"A cinematic product photo with premium studio lighting","size":"1024x1024","quality":"high","n":1,"async":true}""",
            request.RequestMessage.Body);
    }

    [Fact]
    public async Task StartImageGeneration_reads_the_seed_202_answer_verbatim()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();

        var operation = await client.StartImageGenerationAsync(SeedRequest, TestContext.Current.CancellationToken);

        Assert.Equal("clx_generation_log_id", operation.Id);
        Assert.False(operation.HasCompleted);
        var value = operation.Value;
        Assert.Equal(GenerationStatus.Queued, value.Status);
        Assert.Equal("gpt-image-2", value.Model);
        Assert.Equal("1:1", value.AspectRatio);
        Assert.Equal("1K", value.Quality);
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 8, 0, 0, TimeSpan.Zero), value.CreatedAt);
        Assert.Empty(value.Images);
        Assert.Equal(0, value.Usage!.Credits);
        Assert.Equal(8, value.Usage.CreditsRequested);
        Assert.Equal(new Uri("https://www.gptimagehub.com/api/v1/generations/clx_generation_log_id"), value.PollUrl);
        Assert.Null(value.Balance);
        Assert.Empty(value.AdditionalProperties);
    }

    [Fact]
    public async Task StartImageGeneration_accepts_a_200_with_a_finished_job()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 200, SeedResponses.SyncSucceeded);
        using var client = _server.CreateSdkClient();

        var operation = await client.StartImageGenerationAsync(SeedRequest, TestContext.Current.CancellationToken);

        Assert.True(operation.HasCompleted);
        Assert.Single(operation.Value.Images);
    }

    [Fact]
    public async Task ServerWait_generation_sends_the_seed_body_without_async_and_reads_the_seed_200_answer_verbatim()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 200, SeedResponses.SyncSucceeded);
        using var client = _server.CreateSdkClient(o => o.GenerationMode = GenerationMode.ServerWait);

        var generation = await client.GenerateImageAsync(SeedRequest, TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"model":"gpt-image-2","prompt":"A cinematic product photo with premium studio lighting","size":"1024x1024","quality":"high","n":1}""",
            Assert.Single(_server.Requests()).RequestMessage.Body);
        Assert.Equal("clx_generation_log_id", generation.Id);
        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        var image = Assert.Single(generation.Images);
        Assert.Equal("clx_image_id", image.Id);
        Assert.Equal(new Uri("https://cdn.example.com/generations/user/image.png"), image.Url);
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 8, 0, 0, TimeSpan.Zero), image.CreatedAt);
        Assert.Equal(8, generation.Usage!.Credits);
        Assert.Null(generation.Usage.CreditsRequested);
        Assert.Equal(112, generation.Balance!.Credits);
        Assert.Equal("PRO", generation.Balance.AccountType);
        Assert.Null(generation.Balance.NextExpiration);
        Assert.Null(generation.PollUrl);
    }

    [Fact]
    public async Task A_request_in_the_tiered_style_sends_aspect_ratio_and_tier()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();

        await client.StartImageGenerationAsync(
            new ImageGenerationRequest("nanobanana2", "a fox") { AspectRatio = "16:9", Quality = ImageQuality.Tier2K, N = 4 },
            TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"model":"nanobanana2","prompt":"a fox","quality":"2K","aspect_ratio":"16:9","n":4,"async":true}""",
            Assert.Single(_server.Requests()).RequestMessage.Body);
    }

    [Fact]
    public async Task Only_model_and_prompt_are_sent_when_nothing_else_is_set()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();

        await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);

        Assert.Equal("""{"model":"gpt-image-2","prompt":"a fox","async":true}""", Assert.Single(_server.Requests()).RequestMessage.Body);
    }

    [Fact]
    public async Task Additional_properties_are_sent_after_the_known_fields()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();
        var request = new ImageGenerationRequest("gpt-image-2", "a fox")
        {
            AdditionalProperties = { ["style"] = "vivid", ["seed"] = 42, ["tags"] = new JsonArray("a", "b"), ["nothing"] = null },
        };

        await client.StartImageGenerationAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"model":"gpt-image-2","prompt":"a fox","async":true,"style":"vivid","seed":42,"tags":["a","b"],"nothing":null}""",
            Assert.Single(_server.Requests()).RequestMessage.Body);
    }

    [Fact]
    public void A_body_larger_than_the_threads_kept_writer_is_written_whole_and_the_next_one_exactly()
    {
        // Over 16 KiB the per-thread writer is dropped after the body is made; the next body gets a new one.
        var note = new string('x', 40_000);
        var large = new ImageGenerationRequest("gpt-image-2", "a fox") { AdditionalProperties = { ["note"] = note } };

        var first = Encoding.UTF8.GetString(GenerationRequestBody.Serialize(large, submitAsync: false));
        var second = Encoding.UTF8.GetString(GenerationRequestBody.Serialize(new ImageGenerationRequest("gpt-image-2", "a cat"), submitAsync: true));

        Assert.Equal($$"""{"model":"gpt-image-2","prompt":"a fox","note":"{{note}}"}""", first);
        Assert.Equal("""{"model":"gpt-image-2","prompt":"a cat","async":true}""", second);
    }

    [Fact]
    public async Task A_non_ASCII_prompt_is_sent_as_UTF8_without_escaping()
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();

        await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "黑色大理石上的香水瓶 <\"quoted\"> & 'x'"), TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"model":"gpt-image-2","prompt":"黑色大理石上的香水瓶 <\"quoted\"> & 'x'","async":true}""",
            Assert.Single(_server.Requests()).RequestMessage.Body);
    }

    public static TheoryData<string, Func<ImageGenerationRequest>> InvalidRequests => new()
    {
        { "null request", () => null! },
        { "empty model", () => new ImageGenerationRequest(" ", "a fox") },
        { "empty prompt", () => new ImageGenerationRequest("gpt-image-2", "") },
        { "n = 0", () => new ImageGenerationRequest("gpt-image-2", "a fox") { N = 0 } },
        { "n = 5", () => new ImageGenerationRequest("gpt-image-2", "a fox") { N = 5 } },
        { "empty size", () => new ImageGenerationRequest("gpt-image-2", "a fox") { Size = default(ImageSize) } },
        { "reserved extra field", () => new ImageGenerationRequest("gpt-image-2", "a fox") { AdditionalProperties = { ["async"] = false } } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task A_caller_mistake_throws_ArgumentException_before_any_request(string mistake, Func<ImageGenerationRequest> request)
    {
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        using var client = _server.CreateSdkClient();

        var start = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.StartImageGenerationAsync(request(), TestContext.Current.CancellationToken));
        var generate = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GenerateImageAsync(request(), TestContext.Current.CancellationToken));

        Assert.NotNull(start.Message);
        Assert.Equal(start.GetType(), generate.GetType());
        Assert.True(_server.Requests().Count == 0, mistake);
    }

    [Fact]
    public async Task GetGeneration_reads_the_generation_with_the_key()
    {
        _server.StubJson("GET", "/api/v1/generations/clx_generation_log_id", 200, SeedResponses.SyncSucceeded);
        using var client = _server.CreateSdkClient();

        var generation = await client.GetGenerationAsync("clx_generation_log_id", TestContext.Current.CancellationToken);

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal("Bearer " + TestKeys.ApiKey, Assert.Single(_server.Requests()).Header("Authorization"));
    }

    [Theory]
    [InlineData("../credits", "/api/v1/generations/..%2Fcredits")]
    [InlineData("a/b?c#d", "/api/v1/generations/a%2Fb%3Fc%23d")]
    [InlineData("id with space", "/api/v1/generations/id%20with%20space")]
    public async Task GetGeneration_escapes_the_id_so_it_cannot_change_the_path(string id, string expectedPath)
    {
        _server.StubJson("GET", "/api/v1/generations/*", 404, """{"error":{"message":"Not found","code":"notFound"}}""");
        using var client = _server.CreateSdkClient();

        await Assert.ThrowsAsync<NotFoundException>(() => client.GetGenerationAsync(id, TestContext.Current.CancellationToken));

        var request = Assert.Single(_server.Requests());
        Assert.Equal(expectedPath, new Uri(request.RequestMessage.AbsoluteUrl).AbsolutePath.Replace("%2f", "%2F", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task GetGeneration_with_an_empty_id_throws_ArgumentException(string id)
    {
        using var client = _server.CreateSdkClient();

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetGenerationAsync(id, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => client.WaitForGenerationAsync(id, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(_server.Requests());
    }
}
