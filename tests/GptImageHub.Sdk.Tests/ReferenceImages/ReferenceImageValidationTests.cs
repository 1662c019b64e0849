using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.ReferenceImages;

/// <summary>Every rule is checked before a byte is sent: the server must see no request at all.</summary>
public sealed class ReferenceImageValidationTests : IAsyncDisposable
{
    private readonly ScriptedHttpServer _server = new((request, _) => request.Target == "/api/v1/models"
        ? Respond(200, """{"data":[{"id":"nanobanana","reference_image_limit":3},{"id":"gpt-image-2","reference_image_limit":16}]}""")
        : Respond(202, SeedResponses.AsyncQueued));

    private readonly GptImageHubClient _client;
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-refs-").FullName;

    public ReferenceImageValidationTests() =>
        _client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = _server.BaseAddress });

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<ArgumentException> RefusedAsync(params ReferenceImage[] images)
    {
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = images },
            TestContext.Current.CancellationToken));
        Assert.DoesNotContain(_server.Received, r => r.Method == "POST");
        Assert.Equal(0, _server.Received.Count(r => r.Target.StartsWith("/api/v1/images", StringComparison.Ordinal)));
        return ex;
    }

    [Fact]
    public async Task A_GIF_named_png_is_refused_by_its_first_bytes()
    {
        var ex = await RefusedAsync(ReferenceImage.FromBytes(TestImages.Png(), "ok.png"), ReferenceImage.FromBytes(TestImages.Gif(), "fake.png"));

        Assert.Equal("Reference image #2 'fake.png' is not a PNG, JPEG or WebP image (judged by its first bytes, not its name). (Parameter 'image')", ex.Message);
    }

    [Fact]
    public async Task A_PNG_named_txt_is_accepted_by_its_first_bytes()
    {
        await _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Png(), "notes.txt")] },
            TestContext.Current.CancellationToken);

        Assert.Single(_server.Received);
    }

    [Fact]
    public async Task An_image_over_50_MB_is_refused()
    {
        var path = Path.Combine(_directory, "huge.png");
        await using (var file = File.Create(path))
        {
            await file.WriteAsync(TestImages.Png(16), TestContext.Current.CancellationToken);
            file.SetLength((50L * 1024 * 1024) + 1);
        }

        var ex = await RefusedAsync(ReferenceImage.FromFile(path));

        Assert.Contains("Reference image #1 'huge.png' is 50 MB; the API accepts at most 50 MB per image.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_of_exactly_50_MB_is_accepted()
    {
        var path = Path.Combine(_directory, "max.png");
        await using (var file = File.Create(path))
        {
            await file.WriteAsync(TestImages.Png(16), TestContext.Current.CancellationToken);
            file.SetLength(50L * 1024 * 1024);
        }

        await _client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromFile(path)] }, TestContext.Current.CancellationToken);

        Assert.Equal((50L * 1024 * 1024) + 500, Assert.Single(_server.Received).Body.Length, tolerance: 500);
    }

    [Fact]
    public async Task A_seekable_stream_over_50_MB_is_refused_before_sending()
    {
        var stream = new MemoryStream();
        stream.Write(TestImages.Png(16));
        stream.SetLength((50L * 1024 * 1024) + 10);
        stream.Position = 0;

        var ex = await RefusedAsync(ReferenceImage.FromStream(stream, "big.png"));

        Assert.Contains("at most 50 MB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_and_grows_past_50_MB_is_stopped_while_sent()
    {
        var content = new byte[(50 * 1024 * 1024) + 100];
        TestImages.Png(16).CopyTo(content, 0);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromStream(new MultipartRequestTests.NonSeekableStream(content), "endless.png")] },
            TestContext.Current.CancellationToken));

        Assert.Contains("larger than 50 MB", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Received);

        // Cut short while sent, so never whole: the SDK's own, not sent (a batch may send it again once fixed).
        Assert.Equal(SubmitOutcome.NotSent, Errors.ChargeClassifier.Classify(ex));
    }

    [Fact]
    public async Task Seventeen_images_are_refused_while_no_model_list_is_cached()
    {
        var images = Enumerable.Range(0, 17).Select(i => ReferenceImage.FromBytes(TestImages.Png(), $"{i}.png")).ToArray();

        var ex = await RefusedAsync(images);

        Assert.Contains("The request has 17 reference images, but the API accepts at most 16 (the largest model limit it documents).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_limit_from_a_cached_models_answer_is_enforced()
    {
        await _client.GetModelsAsync(TestContext.Current.CancellationToken);
        var images = Enumerable.Range(0, 4).Select(i => ReferenceImage.FromBytes(TestImages.Png(), $"{i}.png")).ToList();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _client.StartImageGenerationAsync(
            new ImageGenerationRequest("nanobanana", "a fox") { ReferenceImages = images },
            TestContext.Current.CancellationToken));

        Assert.Contains("The request has 4 reference images, but model 'nanobanana' accepts at most 3.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Received, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_file_that_does_not_exist_is_refused()
    {
        var ex = await RefusedAsync(ReferenceImage.FromFile(Path.Combine(_directory, "missing.png")));

        Assert.Contains("Reference image #1 'missing.png' does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var path = Path.Combine(_directory, "empty.png");
        await File.WriteAllBytesAsync(path, [], TestContext.Current.CancellationToken);

        var ex = await RefusedAsync(ReferenceImage.FromFile(path));

        Assert.Contains("Reference image #1 'empty.png' is empty.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_bytes_and_an_empty_stream_are_refused()
    {
        await RefusedAsync(ReferenceImage.FromBytes(ReadOnlyMemory<byte>.Empty, "a.png"));
        await RefusedAsync(ReferenceImage.FromStream(new MemoryStream(), "b.png"));
        await RefusedAsync(ReferenceImage.FromStream(new MultipartRequestTests.NonSeekableStream([]), "c.png"));
    }

    [Fact]
    public async Task A_content_type_that_contradicts_the_content_is_refused()
    {
        var ex = await RefusedAsync(ReferenceImage.FromBytes(TestImages.Jpeg(), "a.jpg", "image/png"));

        Assert.Contains("was given as 'image/png' but its content is image/jpeg", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_content_type_alias_that_agrees_is_accepted()
    {
        await _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Jpeg(), "a.jpg", "image/jpg")] },
            TestContext.Current.CancellationToken);

        Assert.Single(_server.Received);
    }

    [Fact]
    public async Task A_null_image_in_the_list_is_refused()
    {
        var ex = await RefusedAsync(ReferenceImage.FromBytes(TestImages.Png(), "a.png"), null!);

        Assert.Contains("Reference image #2 is null.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_arguments_are_checked_at_once()
    {
        Assert.Throws<ArgumentException>(() => ReferenceImage.FromFile(" "));
        Assert.Throws<ArgumentNullException>(() => ReferenceImage.FromStream(null!, "a.png"));
        Assert.Throws<ArgumentException>(() => ReferenceImage.FromStream(new MemoryStream(), ""));
        Assert.Throws<ArgumentException>(() => ReferenceImage.FromBytes(TestImages.Png(), " "));
    }
}
