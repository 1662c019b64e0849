using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

public sealed class ModelsEndpointTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task GetModels_sends_a_GET_without_Authorization_but_with_the_SDK_User_Agent()
    {
        _server.StubJson("GET", "/api/v1/models", 200, SeedResponses.Models);
        using var client = _server.CreateSdkClient();

        await client.GetModelsAsync(TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.Requests());
        Assert.Equal("GET", request.RequestMessage.Method);
        Assert.Equal("/api/v1/models", request.RequestMessage.Path);
        Assert.Null(request.Header("Authorization"));
        Assert.StartsWith("GptImageHub.Sdk/0.1.0 (", request.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Equal("application/json", request.Header("Accept"));
    }

    [Fact]
    public async Task GetModels_needs_no_api_key()
    {
        _server.StubJson("GET", "/api/v1/models", 200, SeedResponses.Models);
        using var client = new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = _server.BaseUri(), ApiKey = null });

        var models = await client.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("gpt-image-2", Assert.Single(models).Id);
    }

    [Fact]
    public async Task GetModels_reads_every_field_of_the_seed_model()
    {
        _server.StubJson("GET", "/api/v1/models", 200, SeedResponses.Models);
        using var client = _server.CreateSdkClient();

        var model = Assert.Single(await client.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("gpt-image-2", model.Id);
        Assert.Equal("GPT IMAGE 2", model.Name);
        Assert.Equal("openai", model.Provider);
        Assert.Equal(["auto", "1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "5:4", "4:5", "21:9", "9:21", "2:1", "1:2", "3:1", "1:3"], model.AspectRatios);
        Assert.Equal(["1K", "2K", "4K"], model.Qualities);
        Assert.Equal(16, model.ReferenceImageLimit);
        Assert.Equal(new Dictionary<string, int> { ["1K"] = 8, ["2K"] = 10, ["4K"] = 12 }, model.CreditsPerImage);
        Assert.Empty(model.AdditionalProperties);
    }

    [Theory]
    [InlineData("""[{"id":"a"},{"id":"b"}]""")]
    [InlineData("""{"data":[{"id":"a"},{"id":"b"}]}""")]
    [InlineData("""{"object":"list","models":[{"id":"a"},{"id":"b"}],"total":2}""")]
    public async Task GetModels_accepts_a_bare_array_or_a_data_or_models_wrapper(string body)
    {
        _server.StubJson("GET", "/api/v1/models", 200, body);
        using var client = _server.CreateSdkClient();

        var models = await client.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b"], models.Select(m => m.Id));
    }

    [Fact]
    public async Task GetModels_tolerates_missing_optional_fields_and_keeps_unknown_ones()
    {
        _server.StubJson("GET", "/api/v1/models", 200, """[{"id":"nanobanana","default_options":["auto","1K"],"beta":true}]""");
        using var client = _server.CreateSdkClient();

        var model = Assert.Single(await client.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Null(model.Name);
        Assert.Null(model.ReferenceImageLimit);
        Assert.Empty(model.AspectRatios);
        Assert.Empty(model.Qualities);
        Assert.Empty(model.CreditsPerImage);
        Assert.Equal("""["auto","1K"]""", model.AdditionalProperties["default_options"].GetRawText());
        Assert.True(model.AdditionalProperties["beta"].GetBoolean());
    }

    [Fact]
    public async Task GetModels_reads_a_single_price_as_the_price_of_every_tier()
    {
        _server.StubJson("GET", "/api/v1/models", 200, """[{"id":"old","credits_per_image":1}]""");
        using var client = _server.CreateSdkClient();

        var model = Assert.Single(await client.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(new Dictionary<string, int> { [ImageModel.AnyTier] = 1 }, model.CreditsPerImage);
    }

    [Fact]
    public async Task GetModels_leaves_out_prices_it_cannot_read_instead_of_guessing()
    {
        _server.StubJson("GET", "/api/v1/models", 200, """[{"id":"m","credits_per_image":{"1K":"8","2K":null,"4K":"twelve"}}]""");
        using var client = _server.CreateSdkClient();

        var model = Assert.Single(await client.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(new Dictionary<string, int> { ["1K"] = 8 }, model.CreditsPerImage);
    }

    [Fact]
    public async Task GetModels_with_an_object_that_wraps_no_list_throws_InvalidResponseException()
    {
        _server.StubJson("GET", "/api/v1/models", 200, """{"items":[]}""");
        using var client = _server.CreateSdkClient();

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'data' or 'models'", ex.Message, StringComparison.Ordinal);
    }
}
