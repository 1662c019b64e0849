using System.Text.Json.Nodes;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using MeaiImageGenerationRequest = Microsoft.Extensions.AI.ImageGenerationRequest;
using SdkImageGenerationRequest = GptImageHub.Sdk.ImageGenerationRequest;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

public sealed class EditAndRawRequestTests : ExtensionsAITestBase
{
    [Fact]
    public async Task Original_image_is_sent_as_a_reference_image()
    {
        var original = new DataContent(TestImages.Png(), "image/png") { Name = "bottle.png" };

        var response = await Generator.EditImageAsync(original, "Same bottle, on snow", cancellationToken: Ct);

        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.True(received.IsMultipart);
        Assert.Equal(1, received.ReferenceImageCount);
        Assert.Equal("Same bottle, on snow", received.Prompt);
        Assert.Equal("gpt-image-2", received.Model);
        var file = Assert.Single(SubmittedParts().Files);
        Assert.Equal("bottle.png", file.FileName);
        Assert.Equal(TestImages.Png(), file.Content);
        Assert.IsType<UriContent>(Assert.Single(response.Contents));
    }

    [Fact]
    public async Task Several_original_images_keep_their_order_and_unnamed_ones_get_a_name_from_their_type()
    {
        AIContent[] originals =
        [
            new DataContent(TestImages.Png(), "image/png"),
            new DataContent(TestImages.Jpeg(), "image/jpeg"),
            new DataContent(TestImages.WebP(), "image/webp") { Name = "texture.webp" },
        ];

        await Generator.EditImagesAsync(originals, "Combine them", new ImageGenerationOptions { Count = 2 }, Ct);

        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal(3, received.ReferenceImageCount);
        Assert.Equal(2, received.N);
        var files = SubmittedParts().Files.ToList();
        Assert.Equal(["reference-1.png", "reference-2.jpg", "texture.webp"], files.Select(f => f.FileName));
        Assert.Equal(TestImages.Jpeg(), files[1].Content);
        Assert.Contains(SubmittedParts().Fields, f => f == ("n", "2"));
    }

    [Fact]
    public async Task Uri_original_image_is_not_supported_and_nothing_is_sent()
    {
        var request = new MeaiImageGenerationRequest("Edit the remote image", [new UriContent(new Uri("https://example.com/a.png"), "image/png")]);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => Generator.GenerateAsync(request, cancellationToken: Ct));

        Assert.Contains("DataContent", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Wire.Requests);
    }

    [Fact]
    public async Task Original_image_the_sdk_cannot_recognise_is_refused_by_the_sdk_before_sending()
    {
        var gif = new DataContent(TestImages.Gif(), "image/gif");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Generator.EditImageAsync(gif, "A gif", cancellationToken: Ct));

        Assert.Empty(Wire.Requests);
    }

    [Fact]
    public async Task Empty_original_images_make_a_plain_generation()
    {
        await Generator.GenerateAsync(new MeaiImageGenerationRequest("Nothing to edit", []), cancellationToken: Ct);

        Assert.False(Assert.Single(Hub.Ledger.GenerationRequests).IsMultipart);
    }

    [Fact]
    public async Task Raw_request_from_the_factory_is_the_base_and_wins_over_the_options()
    {
        IImageGenerator? factoryArgument = null;
        var baseRequest = new SdkImageGenerationRequest
        {
            Model = "nanobanana2",
            Prompt = string.Empty,
            Quality = ImageQuality.Tier2K,
            N = 2,
            AdditionalProperties = { ["style"] = JsonValue.Create("vivid") },
        };
        var options = new ImageGenerationOptions
        {
            ModelId = "gpt-image-2",
            Count = 1,
            AdditionalProperties = new() { ["style"] = "muted", ["user_tag"] = "from-options" },
            RawRepresentationFactory = generator =>
            {
                factoryArgument = generator;
                return baseRequest;
            },
        };

        var response = await Generator.GenerateImagesAsync("The prompt from the MEAI request", options, Ct);

        Assert.Same(Generator, factoryArgument);
        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal("nanobanana2", received.Model);
        Assert.Equal(2, received.N);
        Assert.Equal("The prompt from the MEAI request", received.Prompt);
        var body = Wire.SingleJsonSubmit();
        Assert.Equal("2K", body.GetProperty("quality").GetString());
        Assert.Equal("vivid", body.GetProperty("style").GetString());
        Assert.Equal("from-options", body.GetProperty("user_tag").GetString());
        Assert.Equal(2, response.Contents.Count);
        Assert.Equal("2K", Raw(response).Quality);

        // The caller's instance is left as it was.
        Assert.Equal(string.Empty, baseRequest.Prompt);
        Assert.Single(baseRequest.AdditionalProperties);
        Assert.Empty(baseRequest.ReferenceImages);
    }

    [Fact]
    public async Task Options_fill_what_the_raw_request_leaves_unset()
    {
        var options = new ImageGenerationOptions
        {
            ModelId = "nanobanana",
            Count = 3,
            ImageSize = new System.Drawing.Size(1024, 1024),
            RawRepresentationFactory = _ => new SdkImageGenerationRequest { Model = "", Prompt = "" },
        };

        await Generator.GenerateImagesAsync("Filled in", options, Ct);

        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal("nanobanana", received.Model);
        Assert.Equal(3, received.N);
        Assert.Equal("1024x1024", Wire.SingleJsonSubmit().GetProperty("size").GetString());
    }

    [Fact]
    public async Task Raw_request_reference_images_come_before_the_original_images()
    {
        var options = new ImageGenerationOptions
        {
            RawRepresentationFactory = _ => new SdkImageGenerationRequest("gpt-image-2", "base prompt")
            {
                ReferenceImages = { ReferenceImage.FromBytes(TestImages.Jpeg(), "style.jpg") },
            },
        };

        await Generator.EditImageAsync(new DataContent(TestImages.Png(), "image/png") { Name = "subject.png" }, "Subject in that style", options, Ct);

        Assert.Equal(2, Assert.Single(Hub.Ledger.GenerationRequests).ReferenceImageCount);
        Assert.Equal(["style.jpg", "subject.png"], SubmittedParts().Files.Select(f => f.FileName));
        Assert.Contains(SubmittedParts().Fields, f => f == ("prompt", "Subject in that style"));
    }

    [Fact]
    public async Task Raw_request_prompt_is_used_when_the_request_has_none()
    {
        var options = new ImageGenerationOptions { RawRepresentationFactory = _ => new SdkImageGenerationRequest("gpt-image-2", "Prompt from the raw request") };

        await Generator.GenerateAsync(new MeaiImageGenerationRequest(), options, Ct);

        Assert.Equal("Prompt from the raw request", Assert.Single(Hub.Ledger.GenerationRequests).Prompt);
    }

    [Fact]
    public async Task Factory_result_of_another_type_is_ignored()
    {
        var options = new ImageGenerationOptions { Count = 2, RawRepresentationFactory = _ => "not a request" };

        await Generator.GenerateImagesAsync("Ignored factory", options, Ct);

        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.Equal("gpt-image-2", received.Model);
        Assert.Equal(2, received.N);
    }

    private MultipartBody SubmittedParts()
    {
        var submit = Assert.Single(Wire.Submits);
        return MultipartBody.Parse(submit.ContentType!, submit.Body!);
    }
}
