using System.Net;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorModelsTests : EmulatorTestBase
{
    [Fact]
    public async Task Models_lists_the_four_documented_models_without_a_key()
    {
        using var response = await GetAsync("api/v1/models");

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["gpt-image-2", "nanobanana", "nanobanana2", "nanobananapro"], ids);
    }

    [Fact]
    public async Task Gpt_image_2_has_the_documented_provider_tiers_prices_limit_and_aspect_ratios()
    {
        using var response = await GetAsync("api/v1/models");

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        var model = body.GetProperty("data")[0];
        Assert.Equal("GPT IMAGE 2", model.GetProperty("name").GetString());
        Assert.Equal("openai", model.GetProperty("provider").GetString());
        Assert.Equal(["1K", "2K", "4K"], model.GetProperty("qualities").EnumerateArray().Select(q => q.GetString()));
        Assert.Equal(16, model.GetProperty("reference_image_limit").GetInt32());
        var prices = model.GetProperty("credits_per_image");
        Assert.Equal(8, prices.GetProperty("1K").GetInt32());
        Assert.Equal(10, prices.GetProperty("2K").GetInt32());
        Assert.Equal(12, prices.GetProperty("4K").GetInt32());
        Assert.Equal(
            ["auto", "1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "5:4", "4:5", "21:9", "9:21", "2:1", "1:2", "3:1", "1:3"],
            model.GetProperty("aspect_ratios").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("auto", model.GetProperty("default_options").GetProperty("aspect_ratio").GetString());
        Assert.Equal("1K", model.GetProperty("default_options").GetProperty("quality").GetString());
    }

    [Fact]
    public async Task Gemini_models_have_their_reference_limits_and_a_price_for_every_tier()
    {
        using var response = await GetAsync("api/v1/models");

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        var models = body.GetProperty("data").EnumerateArray().Skip(1).ToList();
        Assert.All(models, m => Assert.Equal("gemini", m.GetProperty("provider").GetString()));
        Assert.Equal([3, 14, 14], models.Select(m => m.GetProperty("reference_image_limit").GetInt32()));
        Assert.Equal(["1K"], models[0].GetProperty("qualities").EnumerateArray().Select(q => q.GetString()));
        Assert.All(models, m =>
        {
            var tiers = m.GetProperty("qualities").EnumerateArray().Select(q => q.GetString()!).ToList();
            var prices = m.GetProperty("credits_per_image");
            Assert.Equal(tiers, prices.EnumerateObject().Select(p => p.Name));
            Assert.All(prices.EnumerateObject(), p => Assert.True(p.Value.GetInt32() > 0));
        });
    }

    [Fact]
    public async Task Unknown_api_path_answers_404_notFound_in_the_error_shape()
    {
        using var response = await GetAsync("api/v1/nothing-here", Key);

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "notFound");
    }
}
