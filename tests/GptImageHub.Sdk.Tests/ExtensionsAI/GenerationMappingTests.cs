using System.Drawing;
using System.Text.Json;
using GptImageHub.Sdk.Extensions.AI;
using GptImageHub.Sdk.Tests.Emulator;
using Microsoft.Extensions.AI;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

public sealed class GenerationMappingTests : ExtensionsAITestBase
{
    [Fact]
    public async Task Prompt_count_and_default_model_reach_the_server()
    {
        var response = await Generator.GenerateImagesAsync("A red fox in snow", new ImageGenerationOptions { Count = 3 }, Ct);

        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal("A red fox in snow", received.Prompt);
        Assert.Equal("gpt-image-2", received.Model);
        Assert.Equal(3, received.N);
        Assert.True(received.Async);
        Assert.False(received.IsMultipart);
        Assert.Equal(3, response.Contents.Count);
    }

    [Fact]
    public async Task Without_options_one_image_is_asked_for_and_n_is_left_to_the_service()
    {
        var response = await Generator.GenerateImagesAsync("A lighthouse", cancellationToken: Ct);

        Assert.Null(Assert.Single(Hub.Ledger.GenerationRequests).N);
        Assert.False(Wire.SingleJsonSubmit().TryGetProperty("n", out _));
        Assert.Single(response.Contents);
    }

    [Fact]
    public async Task ModelId_option_overrides_the_default_model()
    {
        var response = await Generator.GenerateImagesAsync("A banana", new ImageGenerationOptions { ModelId = "nanobanana" }, Ct);

        Assert.Equal("nanobanana", Assert.Single(Hub.Ledger.GenerationRequests).Model);
        Assert.Equal("nanobanana", Raw(response).Model);
    }

    [Fact]
    public async Task Default_model_given_to_AsIImageGenerator_is_used()
    {
        using var generator = Client.AsIImageGenerator("nanobanana2");

        await generator.GenerateImagesAsync("A banana", cancellationToken: Ct);

        Assert.Equal("nanobanana2", Assert.Single(Hub.Ledger.GenerationRequests).Model);
    }

    [Fact]
    public async Task Without_a_default_model_the_model_id_is_required_and_nothing_is_sent()
    {
        using var generator = Client.AsIImageGenerator(defaultModelId: null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => generator.GenerateImagesAsync("No model", cancellationToken: Ct));
        Assert.Empty(Wire.Requests);

        await generator.GenerateImagesAsync("A model", new ImageGenerationOptions { ModelId = "gpt-image-2" }, Ct);
        Assert.Equal("gpt-image-2", Assert.Single(Hub.Ledger.GenerationRequests).Model);
    }

    [Fact]
    public async Task ImageSize_is_sent_as_WIDTHxHEIGHT_and_the_service_draws_it()
    {
        var response = await Generator.GenerateImagesAsync(
            "A wide valley", new ImageGenerationOptions { ImageSize = new Size(1536, 1024), ResponseFormat = ImageGenerationResponseFormat.Data }, Ct);

        Assert.Equal("1536x1024", Wire.SingleJsonSubmit().GetProperty("size").GetString());
        Assert.Equal("3:2", Raw(response).AspectRatio);
        var png = PngFile.Parse(Assert.IsType<DataContent>(Assert.Single(response.Contents)).Data.ToArray());
        Assert.Equal((1536, 1024), (png.Width, png.Height));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 1024)]
    [InlineData(1024, 0)]
    public async Task Non_positive_ImageSize_is_refused_before_sending(int width, int height)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Generator.GenerateImagesAsync("x", new ImageGenerationOptions { ImageSize = new Size(width, height) }, Ct));
        Assert.Empty(Wire.Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public async Task Count_outside_1_to_4_is_refused_before_sending(int count)
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Generator.GenerateImagesAsync("x", new ImageGenerationOptions { Count = count }, Ct));
        Assert.Equal("options", ex.ParamName);
        Assert.Empty(Wire.Requests);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Uri_results_are_the_cdn_urls_as_png_by_default()
    {
        var response = await Generator.GenerateImagesAsync("Two cats", new ImageGenerationOptions { Count = 2 }, Ct);

        var generation = Raw(response);
        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal(2, generation.Images.Count);
        for (var i = 0; i < 2; i++)
        {
            var uri = Assert.IsType<UriContent>(response.Contents[i]);
            Assert.Equal(generation.Images[i].Url, uri.Uri);
            Assert.Equal("image/png", uri.MediaType);
            Assert.Same(generation.Images[i], uri.RawRepresentation);
        }

        Assert.Equal(0, Wire.DownloadCount);
    }

    [Fact]
    public async Task Explicit_Uri_format_gives_UriContent()
    {
        var response = await Generator.GenerateImagesAsync("A cat", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Uri }, Ct);

        Assert.IsType<UriContent>(Assert.Single(response.Contents));
    }

    [Fact]
    public async Task Data_results_are_downloaded_valid_pngs()
    {
        var response = await Generator.GenerateImagesAsync(
            "Two dogs", new ImageGenerationOptions { Count = 2, ResponseFormat = ImageGenerationResponseFormat.Data }, Ct);

        var generation = Raw(response);
        Assert.Equal(2, response.Contents.Count);
        Assert.Equal(2, Wire.DownloadCount);
        var bytes = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            var data = Assert.IsType<DataContent>(response.Contents[i]);
            Assert.Equal("image/png", data.MediaType);
            Assert.Equal(generation.Images[i].Id + ".png", data.Name);
            Assert.Same(generation.Images[i], data.RawRepresentation);
            var png = PngFile.Parse(data.Data.ToArray());
            Assert.Equal((1024, 1024), (png.Width, png.Height));
            bytes.Add(data.Data.ToArray());
        }

        Assert.NotEqual(bytes[0], bytes[1]);

        // The bytes are exactly what the CDN serves to the SDK directly.
        using var direct = new MemoryStream();
        await Client.DownloadImageAsync(generation.Images[0], direct, Ct);
        Assert.Equal(direct.ToArray(), bytes[0]);
    }

    [Fact]
    public async Task Raw_representation_is_the_sdk_generation()
    {
        var response = await Generator.GenerateImagesAsync("A raw fox", cancellationToken: Ct);

        var generation = Raw(response);
        var fromServer = await Client.GetGenerationAsync(generation.Id, Ct);
        Assert.Equal(fromServer.Id, generation.Id);
        Assert.Equal("gpt-image-2", generation.Model);
        Assert.Equal(fromServer.Images.Select(i => i.Url), generation.Images.Select(i => i.Url));
    }

    [Fact]
    public async Task Credits_are_reported_as_an_additional_count_and_token_counts_stay_null()
    {
        var response = await Generator.GenerateImagesAsync("Two owls", new ImageGenerationOptions { Count = 2 }, Ct);

        var usage = Assert.IsType<UsageDetails>(response.Usage);
        Assert.Null(usage.InputTokenCount);
        Assert.Null(usage.OutputTokenCount);
        Assert.Null(usage.TotalTokenCount);
        Assert.Equal(16, usage.AdditionalCounts![GptImageHubClientExtensions.CreditsUsageKey]);
        Assert.Equal("gptimagehub.credits", GptImageHubClientExtensions.CreditsUsageKey);
        Assert.Equal(100 - 16, Hub.Ledger.GetBalance(Key));
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("IMAGE/PNG")]
    public async Task Png_media_type_is_accepted(string mediaType)
    {
        var response = await Generator.GenerateImagesAsync("A png", new ImageGenerationOptions { MediaType = mediaType }, Ct);

        Assert.Equal("image/png", Assert.IsType<UriContent>(Assert.Single(response.Contents)).MediaType);
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("image/webp")]
    [InlineData("application/octet-stream")]
    public async Task Other_media_types_are_not_supported_and_cost_nothing(string mediaType)
    {
        var ex = await Assert.ThrowsAsync<NotSupportedException>(
            () => Generator.GenerateImagesAsync("A jpeg", new ImageGenerationOptions { MediaType = mediaType }, Ct));

        Assert.Contains(mediaType, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Wire.Requests);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Empty_prompt_is_refused_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateImagesAsync(" ", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Generator.GenerateAsync(null!, cancellationToken: Ct));
        Assert.Empty(Wire.Requests);
    }

    [Fact]
    public async Task Quality_and_aspect_ratio_additional_properties_set_the_typed_fields()
    {
        var options = new ImageGenerationOptions
        {
            AdditionalProperties = new() { ["quality"] = "2K", ["aspect_ratio"] = "16:9" },
        };

        var response = await Generator.GenerateImagesAsync("A tiered image", options, Ct);

        var body = Wire.SingleJsonSubmit();
        Assert.Equal("2K", body.GetProperty("quality").GetString());
        Assert.Equal("16:9", body.GetProperty("aspect_ratio").GetString());
        Assert.Equal("2K", Raw(response).Quality);
        Assert.Equal("16:9", Raw(response).AspectRatio);
        Assert.Equal(10, response.Usage!.AdditionalCounts![GptImageHubClientExtensions.CreditsUsageKey]);
    }

    [Fact]
    public async Task ImageQuality_value_is_accepted_for_quality()
    {
        var options = new ImageGenerationOptions { AdditionalProperties = new() { ["quality"] = ImageQuality.High } };

        await Generator.GenerateImagesAsync("High quality", options, Ct);

        Assert.Equal("high", Wire.SingleJsonSubmit().GetProperty("quality").GetString());
    }

    [Fact]
    public async Task Other_additional_properties_are_sent_as_extra_json_fields()
    {
        using var document = JsonDocument.Parse("""{"a":[1,2]}""");
        var options = new ImageGenerationOptions
        {
            AdditionalProperties = new()
            {
                ["user_tag"] = "campaign-7",
                ["seed"] = 42,
                ["strength"] = 0.5,
                ["moderation"] = false,
                ["nothing"] = null,
                ["element"] = document.RootElement,
                ["node"] = new System.Text.Json.Nodes.JsonObject { ["k"] = "v" },
            },
        };

        await Generator.GenerateImagesAsync("Extras", options, Ct);

        var body = Wire.SingleJsonSubmit();
        Assert.Equal("campaign-7", body.GetProperty("user_tag").GetString());
        Assert.Equal(42, body.GetProperty("seed").GetInt32());
        Assert.Equal(0.5, body.GetProperty("strength").GetDouble());
        Assert.False(body.GetProperty("moderation").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nothing").ValueKind);
        Assert.Equal(2, body.GetProperty("element").GetProperty("a")[1].GetInt32());
        Assert.Equal("v", body.GetProperty("node").GetProperty("k").GetString());
    }

    [Theory]
    [InlineData("n")]
    [InlineData("model")]
    [InlineData("prompt")]
    [InlineData("size")]
    [InlineData("async")]
    [InlineData("reference_image")]
    public async Task Additional_properties_that_have_a_typed_option_are_refused(string name)
    {
        var options = new ImageGenerationOptions { AdditionalProperties = new() { [name] = "1" } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateImagesAsync("x", options, Ct));

        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Wire.Requests);
    }

    [Fact]
    public async Task Additional_property_of_an_unknown_type_is_refused_rather_than_reflected()
    {
        var options = new ImageGenerationOptions { AdditionalProperties = new() { ["when"] = new DateTime(2026, 1, 1) } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateImagesAsync("x", options, Ct));

        Assert.Contains("JsonNode", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Wire.Requests);
    }
}
