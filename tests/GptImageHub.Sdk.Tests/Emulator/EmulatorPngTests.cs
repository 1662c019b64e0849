using System.Net;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorPngTests : EmulatorTestBase
{
    protected override EmulatorOptions CreateOptions() => new() { MaxRenderedSide = 512 };

    [Theory]
    [InlineData("320x200", 320, 200)]
    [InlineData("1x1", 1, 1)]
    [InlineData("17x509", 17, 509)]
    public async Task Delivered_image_is_a_valid_png_of_the_requested_size(string size, int width, int height)
    {
        var png = await DownloadFirstAsync(new { model = "gpt-image-2", prompt = "valid png", size });

        var file = PngFile.Parse(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], file.ChunkTypes);
        Assert.Equal(width, file.Width);
        Assert.Equal(height, file.Height);
        Assert.Equal(8, file.BitDepth);
        Assert.Equal(2, file.ColorType);
        Assert.Equal(height * (1 + (3 * width)), file.Pixels.Length);
    }

    [Fact]
    public async Task Aspect_ratio_and_tier_set_the_pixels_scaled_to_the_render_cap()
    {
        // 16:9 at 1K is 1024 x 576; the render cap of 512 keeps the shape.
        var png = await DownloadFirstAsync(new { model = "gpt-image-2", prompt = "wide", aspect_ratio = "16:9" });

        var file = PngFile.Parse(png);
        Assert.Equal(512, file.Width);
        Assert.Equal(288, file.Height);
    }

    [Fact]
    public async Task Image_has_the_content_type_png_and_needs_no_key()
    {
        var generation = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "public url", size = "8x8" }));
        var url = generation.GetProperty("images")[0].GetProperty("url").GetString()!;

        using var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Same_prompt_and_index_give_identical_bytes_across_generations()
    {
        var request = new { model = "gpt-image-2", prompt = "deterministic", size = "64x48", n = 2 };
        var first = await DownloadAllAsync(request);
        var second = await DownloadAllAsync(request);

        Assert.Equal(first[0], second[0]);
        Assert.Equal(first[1], second[1]);
        Assert.NotEqual(first[0], first[1]);
    }

    [Fact]
    public async Task Different_prompts_give_different_pictures()
    {
        var a = await DownloadFirstAsync(new { model = "gpt-image-2", prompt = "a red fox", size = "64x64" });
        var b = await DownloadFirstAsync(new { model = "gpt-image-2", prompt = "a blue whale", size = "64x64" });

        Assert.NotEqual(PngFile.Parse(a).Pixels, PngFile.Parse(b).Pixels);
    }

    [Fact]
    public async Task Unknown_image_or_wrong_user_path_is_404()
    {
        var generation = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "hidden", size = "8x8" }));
        var url = new Uri(generation.GetProperty("images")[0].GetProperty("url").GetString()!);
        var wrongUser = url.AbsoluteUri.Replace(Hub.GetUserId(Key), "cotheruser000000000000000", StringComparison.Ordinal);

        using var unknown = await GetAsync(Hub.CdnAddress + "cdn/generations/" + Hub.GetUserId(Key) + "/cnothing00000000000000000.png");
        using var misplaced = await GetAsync(wrongUser);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, misplaced.StatusCode);
    }

    private async Task<byte[]> DownloadFirstAsync(object request) => (await DownloadAllAsync(request))[0];

    private async Task<List<byte[]>> DownloadAllAsync(object request)
    {
        var generation = await GenerateAsync(Json(request));
        var images = new List<byte[]>();
        foreach (var image in generation.GetProperty("images").EnumerateArray())
        {
            images.Add(await Http.GetByteArrayAsync(image.GetProperty("url").GetString(), Ct));
        }

        return images;
    }
}
