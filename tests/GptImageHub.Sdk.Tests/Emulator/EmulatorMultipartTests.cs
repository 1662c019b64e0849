using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorMultipartTests : EmulatorTestBase
{
    private static readonly byte[] PngBytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3];
    private static readonly byte[] JpegBytes = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46];
    private static readonly byte[] WebpBytes = [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8, 1, 2];

    [Fact]
    public async Task Multipart_with_png_jpeg_and_webp_reference_images_succeeds_and_is_recorded()
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "Use the reference image"), ("size", "1024x1024"), ("quality", "high"), ("n", "1"));
        AddImage(form, PngBytes, "reference.png", "image/png");
        AddImage(form, JpegBytes, "reference.jpg", "image/jpeg");
        AddImage(form, WebpBytes, "reference.webp", "image/webp");

        using var response = await PostMultipartAsync(form, Key);

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(8, body.GetProperty("usage").GetProperty("credits").GetInt32());
        var received = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.True(received.IsMultipart);
        Assert.Equal(3, received.ReferenceImageCount);
        Assert.Equal("Use the reference image", received.Prompt);
        Assert.Equal(1, received.N);
    }

    [Fact]
    public async Task Format_is_read_from_the_bytes_not_from_the_declared_type_or_name()
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "mislabelled"));
        AddImage(form, PngBytes, "photo.jpg", "application/octet-stream");

        using var response = await PostMultipartAsync(form, Key);

        await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reference_image_that_is_not_png_jpeg_or_webp_is_400_invalid_request()
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "gif"));
        AddImage(form, "GIF89a......"u8.ToArray(), "reference.png", "image/png");

        using var response = await PostMultipartAsync(form, Key);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(0, Hub.Ledger.TotalCharged);
    }

    [Fact]
    public async Task Empty_reference_image_is_400_invalid_request()
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "empty"));
        AddImage(form, [], "reference.png", "image/png");

        using var response = await PostMultipartAsync(form, Key);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task More_reference_images_than_the_models_limit_is_400_invalid_request()
    {
        using var form = Form(("model", "nanobanana"), ("prompt", "four for three"));
        for (var i = 0; i < 4; i++)
        {
            AddImage(form, PngBytes, $"r{i}.png", "image/png");
        }

        using var response = await PostMultipartAsync(form, Key);

        var message = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("3", message, StringComparison.Ordinal);
        Assert.Equal(0, Hub.Ledger.TotalCharged);
    }

    [Fact]
    public async Task Exactly_the_models_limit_of_reference_images_is_accepted()
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "sixteen"));
        for (var i = 0; i < 16; i++)
        {
            AddImage(form, PngBytes, $"r{i}.png", "image/png");
        }

        using var response = await PostMultipartAsync(form, Key);

        await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reference_image_over_50_MB_is_400_invalid_request()
    {
        var big = new byte[(50 * 1024 * 1024) + 1];
        PngBytes.CopyTo(big, 0);
        using var form = Form(("model", "gpt-image-2"), ("prompt", "too big"));
        AddImage(form, big, "huge.png", "image/png");

        using var response = await PostMultipartAsync(form, Key);

        var message = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("50 MB", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_image_of_exactly_50_MB_is_accepted()
    {
        var big = new byte[50 * 1024 * 1024];
        PngBytes.CopyTo(big, 0);
        using var form = Form(("model", "gpt-image-2"), ("prompt", "just fits"));
        AddImage(form, big, "large.png", "image/png");

        using var response = await PostMultipartAsync(form, Key);

        await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("n", "9")]
    [InlineData("n", "two")]
    [InlineData("async", "yes")]
    [InlineData("quality", "8K")]
    [InlineData("size", "big")]
    public async Task Multipart_text_fields_follow_the_same_rules_as_json(string field, string value)
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "rules"), (field, value));

        using var response = await PostMultipartAsync(form, Key);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Multipart_field_sent_twice_is_400_invalid_request()
    {
        using var form = Form(("model", "gpt-image-2"), ("prompt", "one"), ("prompt", "two"));

        using var response = await PostMultipartAsync(form, Key);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Multipart_async_true_answers_202_queued()
    {
        using var form = Form(("model", "nanobanana2"), ("prompt", "queued upload"), ("quality", "4K"), ("n", "2"), ("async", "true"));
        AddImage(form, JpegBytes, "r.jpg", "image/jpeg");

        using var response = await PostMultipartAsync(form, Key);

        var body = await ReadJsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal(24, body.GetProperty("usage").GetProperty("credits_requested").GetInt32());
    }

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value, Encoding.UTF8), name);
        }

        return form;
    }

    private static void AddImage(MultipartFormDataContent form, byte[] bytes, string fileName, string contentType)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, "reference_image", fileName);
    }
}
