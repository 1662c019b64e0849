using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>Estimates priced from the service's own list, and the guards that refuse a request before a byte is sent.</summary>
public sealed class CostGuardTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    private GptImageHubClient Client(string key, Action<GptImageHubClientOptions>? configure = null)
    {
        var options = new GptImageHubClientOptions
        {
            ApiKey = key,
            BaseAddress = _hub.BaseAddress,
            GenerationMode = GenerationMode.ServerWait,
        };
        configure?.Invoke(options);
        return new GptImageHubClient(options);
    }

    [Fact]
    public async Task The_estimate_equals_the_credits_charged_for_every_model_and_tier_the_service_offers()
    {
        var key = _hub.CreateApiKey(credits: 100_000);
        using var client = Client(key);
        var checkedPairs = 0;

        foreach (var model in await client.GetModelsAsync(TestContext.Current.CancellationToken))
        {
            foreach (var tier in model.Qualities)
            {
                var request = new ImageGenerationRequest(model.Id, $"{model.Id} at {tier}") { Quality = tier, N = 3 };
                var estimate = await client.EstimateCreditsAsync(request, TestContext.Current.CancellationToken);
                var before = _hub.Ledger.GetBalance(key);

                var generation = await client.GenerateImageAsync(request, TestContext.Current.CancellationToken);

                Assert.Equal((model.Id, tier, 3), (estimate.Model, estimate.Tier, estimate.Count));
                Assert.Equal(model.CreditsPerImage[tier], estimate.CreditsPerImage);
                Assert.Equal(before - _hub.Ledger.GetBalance(key), estimate.Credits);
                Assert.Equal(generation.Usage!.Credits, estimate.Credits);
                checkedPairs++;
            }
        }

        Assert.Equal(10, checkedPairs);
    }

    [Theory]
    [InlineData(null, null, "1K")]
    [InlineData("auto", null, "1K")]
    [InlineData("1024x1024", "high", "1K")]
    [InlineData("512x768", null, "1K")]
    [InlineData("1536x1024", "4K", "4K")]
    [InlineData("1536x1024", null, "2K")]
    [InlineData("1024x1536", "high", "2K")]
    [InlineData("2048x2048", null, "2K")]
    [InlineData("4096x1024", null, "4K")]
    public async Task The_tier_comes_from_an_explicit_tier_or_the_longer_side_of_the_size(string? size, string? quality, string tier)
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var client = Client(key);
        var request = new ImageGenerationRequest("gpt-image-2", "a fox")
        {
            Size = size is null ? (ImageSize?)null : new ImageSize(size),
            Quality = quality is null ? (ImageQuality?)null : new ImageQuality(quality),
        };

        var estimate = await client.EstimateCreditsAsync(request, TestContext.Current.CancellationToken);
        var generation = await client.GenerateImageAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(tier, estimate.Tier);
        Assert.Null(estimate.Reason);
        Assert.Equal(generation.Usage!.Credits, estimate.Credits);
        Assert.Equal(100 - estimate.Credits, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task A_size_no_tier_holds_gets_no_price_and_a_reason_that_names_the_setting()
    {
        using var client = Client(_hub.CreateApiKey(credits: 0));

        var tooLarge = await client.EstimateCreditsAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Size = ImageSize.Create(8192, 1024) }, TestContext.Current.CancellationToken);
        var notASize = await client.EstimateCreditsAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Size = new ImageSize("panorama") }, TestContext.Current.CancellationToken);
        var tierNotOffered = await client.EstimateCreditsAsync(new ImageGenerationRequest("nanobanana", "a fox") { Size = ImageSize.Landscape1536x1024 }, TestContext.Current.CancellationToken);

        Assert.Null(tooLarge.Credits);
        Assert.Equal("size 8192x1024 is larger than the largest tier (4K, 4096 pixels on the longer side); use a size of at most 4096x4096", tooLarge.Reason);
        Assert.Equal("size 'panorama' is not WIDTHxHEIGHT, so its tier cannot be told; set Quality to ImageQuality.Tier1K, Tier2K or Tier4K to price it", notASize.Reason);
        Assert.Equal("size 1536x1024 is billed at 2K, and the service lists no 2K price for model 'nanobanana' (it lists 1K); use a smaller size or a tier quality the model lists", tierNotOffered.Reason);
    }

    [Fact]
    public async Task An_unknown_model_or_tier_gets_no_price_and_a_reason()
    {
        using var client = Client(_hub.CreateApiKey(credits: 0));

        var unknownModel = await client.EstimateCreditsAsync(new ImageGenerationRequest("dall-e-9", "a fox"), TestContext.Current.CancellationToken);
        var unknownTier = await client.EstimateCreditsAsync(new ImageGenerationRequest("nanobanana", "a fox") { Quality = ImageQuality.Tier4K }, TestContext.Current.CancellationToken);

        Assert.Equal("model 'dall-e-9' is not in the service's model list", unknownModel.Reason);
        Assert.Equal("the service lists no 4K price for model 'nanobanana' (it lists 1K)", unknownTier.Reason);
        Assert.Null(unknownTier.Credits);
    }

    [Fact]
    public async Task The_model_list_is_read_once_within_its_cache_lifetime_and_again_after_it()
    {
        using var server = WireMock.Server.WireMockServer.Start();
        Infrastructure.WireMockExtensions.StubJson(server, "GET", "/api/v1/models", 200, Infrastructure.SeedResponses.Models);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = Infrastructure.WireMockExtensions.BaseUri(server), TimeProvider = clock });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(8, (await client.EstimateCreditsAsync(request, TestContext.Current.CancellationToken)).Credits);
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        await client.EstimateCreditsAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(2, server.LogEntries.Count);
    }

    [Fact]
    public async Task MaxCreditsPerRequest_refuses_a_request_over_the_limit_without_sending_it()
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var client = Client(key, o => o.MaxCreditsPerRequest = 20);

        var ex = await Assert.ThrowsAsync<CreditLimitExceededException>(() => client.GenerateImageAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier4K, N = 2 }, TestContext.Current.CancellationToken));

        Assert.Equal(20, ex.Limit);
        Assert.Equal(24, ex.Estimate!.Credits);
        Assert.Equal("The request was not sent: it is estimated at 24 credits (2 x 12 at 4K on gpt-image-2), above MaxCreditsPerRequest (20).", ex.Message);
        Assert.Empty(_hub.Ledger.GenerationRequests);
        Assert.Equal(100, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task MaxCreditsPerRequest_refuses_a_request_whose_price_cannot_be_told_and_says_which_setting_to_use()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100), o => o.MaxCreditsPerRequest = 1000);

        var ex = await Assert.ThrowsAsync<CreditLimitExceededException>(() => client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { Size = new ImageSize("panorama") }, TestContext.Current.CancellationToken));

        Assert.Equal(
            "The request was not sent: MaxCreditsPerRequest is 1000 credits, and its price cannot be estimated: size 'panorama' is not WIDTHxHEIGHT, so its tier cannot be told; set Quality to ImageQuality.Tier1K, Tier2K or Tier4K to price it.",
            ex.Message);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task MaxCreditsPerRequest_prices_the_SDKs_own_1536x1024_size_at_2K()
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var within = Client(key, o => o.MaxCreditsPerRequest = 10);
        using var below = Client(key, o => o.MaxCreditsPerRequest = 9);
        var request = new ImageGenerationRequest("gpt-image-2", "a wide valley") { Size = ImageSize.Landscape1536x1024 };

        var generation = await within.GenerateImageAsync(request, TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAsync<CreditLimitExceededException>(() => below.GenerateImageAsync(request, TestContext.Current.CancellationToken));

        Assert.Equal(10, generation.Usage!.Credits);
        Assert.Equal("The request was not sent: it is estimated at 10 credits (1 x 10 at 2K on gpt-image-2), above MaxCreditsPerRequest (9).", ex.Message);
        Assert.Single(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task MaxCreditsPerRequest_lets_a_request_within_the_limit_through()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100), o => o.MaxCreditsPerRequest = 8);

        var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);

        Assert.Equal(8, generation.Usage!.Credits);
    }

    [Fact]
    public async Task CheckBalanceBeforeSubmit_refuses_a_request_above_the_balance_without_sending_it()
    {
        var key = _hub.CreateApiKey(credits: 15);
        using var client = Client(key, o => o.CheckBalanceBeforeSubmit = true);

        var ex = await Assert.ThrowsAsync<InsufficientCreditsException>(() => client.GenerateImageAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { N = 2 }, TestContext.Current.CancellationToken));

        Assert.Equal("The request was not sent: it is estimated at 16 credits and the balance is 15 (CheckBalanceBeforeSubmit).", ex.Message);
        Assert.Null(ex.StatusCode);
        Assert.Empty(_hub.Ledger.GenerationRequests);
        Assert.Equal(15, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task CheckBalanceBeforeSubmit_lets_an_affordable_request_through()
    {
        using var client = Client(_hub.CreateApiKey(credits: 16), o => o.CheckBalanceBeforeSubmit = true);

        var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { N = 2 }, TestContext.Current.CancellationToken);

        Assert.Equal(16, generation.Usage!.Credits);
    }
}
