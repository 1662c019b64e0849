using System.Text.Json.Nodes;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.ReferenceImages;

public sealed class MultipartRequestTests : IAsyncDisposable
{
    private readonly ScriptedHttpServer _server = new((_, _) => Respond(202, SeedResponses.AsyncQueued));
    private readonly GptImageHubClient _client;
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-refs-").FullName;

    public MultipartRequestTests() =>
        _client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = _server.BaseAddress, MaxRetries = 3 });

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private MultipartBody Sent()
    {
        var request = Assert.Single(_server.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/images/generations", request.Target);
        Assert.Equal("Bearer " + TestKeys.ApiKey, request.Authorization);
        return MultipartBody.Parse(request.Headers["Content-Type"], request.Body);
    }

    private string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public async Task A_request_without_reference_images_goes_out_as_JSON()
    {
        await _client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);

        Assert.Equal("application/json; charset=utf-8", Assert.Single(_server.Received).Headers["Content-Type"]);
    }

    [Fact]
    public async Task One_reference_image_and_every_optional_field_become_one_part_each()
    {
        var png = TestImages.Png(5000);
        var request = new ImageGenerationRequest("gpt-image-2", "Use the reference image and render it as a premium studio product shot")
        {
            Size = ImageSize.Square1024,
            Quality = ImageQuality.High,
            AspectRatio = "1:1",
            N = 2,
            ReferenceImages = [ReferenceImage.FromBytes(png, "reference.png")],
            AdditionalProperties = { ["style"] = "vivid", ["seed"] = 42, ["tags"] = new JsonArray("a", "b"), ["skipped"] = null },
        };

        await _client.StartImageGenerationAsync(request, TestContext.Current.CancellationToken);

        var body = Sent();
        Assert.StartsWith("multipart/form-data; boundary=", Assert.Single(_server.Received).Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(
            [("model", "gpt-image-2"), ("prompt", "Use the reference image and render it as a premium studio product shot"), ("size", "1024x1024"), ("quality", "high"),
             ("aspect_ratio", "1:1"), ("n", "2"), ("async", "true"), ("style", "vivid"), ("seed", "42"), ("tags", """["a","b"]""")],
            body.Fields);
        var file = Assert.Single(body.Files);
        Assert.Equal("form-data; name=\"reference_image\"; filename=\"reference.png\"", file.Disposition);
        Assert.Equal("image/png", file.ContentType);
        Assert.Equal(png, file.Content);
        Assert.All(body.Parts.Where(p => p.FileName is null), p => Assert.Null(p.ContentType));
    }

    [Fact]
    public async Task The_server_wait_mode_sends_no_async_field()
    {
        await using var server = new ScriptedHttpServer((_, _) => Respond(200, SeedResponses.SyncSucceeded));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, GenerationMode = GenerationMode.ServerWait });

        var generation = await client.GenerateImageAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Jpeg(), "a.jpg")] },
            TestContext.Current.CancellationToken);

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        var request = Assert.Single(server.Received);
        Assert.Equal([("model", "gpt-image-2"), ("prompt", "a fox")], MultipartBody.Parse(request.Headers["Content-Type"], request.Body).Fields);
    }

    [Fact]
    public async Task Sixteen_reference_images_from_every_kind_of_source_become_sixteen_parts_in_order()
    {
        var images = new List<ReferenceImage>();
        var expected = new List<(string Name, string Type, byte[] Content)>();
        for (var i = 0; i < 16; i++)
        {
            var (content, type, extension) = (i % 3) switch
            {
                0 => (TestImages.Png(1000 + i, (byte)i), "image/png", "png"),
                1 => (TestImages.Jpeg(2000 + i), "image/jpeg", "jpg"),
                _ => (TestImages.WebP(3000 + i), "image/webp", "webp"),
            };
            var name = $"ref-{i:00}.{extension}";
            images.Add((i % 4) switch
            {
                0 => ReferenceImage.FromFile(WriteFile(name, content)),
                1 => ReferenceImage.FromBytes(content, name),
                2 => ReferenceImage.FromStream(new MemoryStream(content), name),
                _ => ReferenceImage.FromStream(new NonSeekableStream(content), name),
            });
            expected.Add((name, type, content));
        }

        await _client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = images }, TestContext.Current.CancellationToken);

        var files = Sent().Files.ToList();
        Assert.Equal(16, files.Count);
        Assert.All(files, f => Assert.Equal("reference_image", f.Name));
        Assert.Equal(expected.Select(e => e.Name), files.Select(f => f.FileName));
        Assert.Equal(expected.Select(e => e.Type), files.Select(f => f.ContentType));
        Assert.Equal(expected.Select(e => e.Content), files.Select(f => f.Content));
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_is_sent_whole_from_its_current_position()
    {
        var content = TestImages.WebP(200_000);
        await _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromStream(new NonSeekableStream(content), "a.webp")] },
            TestContext.Current.CancellationToken);

        Assert.Equal("chunked", Assert.Single(_server.Received).Headers["Transfer-Encoding"]);
        Assert.Equal(content, Assert.Single(Sent().Files).Content);
    }

    [Fact]
    public async Task A_seekable_stream_is_sent_from_where_the_caller_left_it_and_stays_open()
    {
        var content = TestImages.Png(1000);
        var stream = new MemoryStream([9, 9, 9, .. content]) { Position = 3 };

        await _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromStream(stream, "a.png")] },
            TestContext.Current.CancellationToken);

        Assert.Equal(content, Assert.Single(Sent().Files).Content);
        Assert.True(stream.CanRead, "the caller's stream was closed");
        Assert.True(Assert.Single(_server.Received).Headers.ContainsKey("Content-Length"));
    }

    [Fact]
    public async Task A_file_is_closed_once_the_request_is_sent()
    {
        var path = WriteFile("closed.png", TestImages.Png(4096));

        await _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromFile(path)] },
            TestContext.Current.CancellationToken);

        Assert.False(IsOpenByThisProcess(path), "the reference file is still open");
    }

    [Fact]
    public async Task A_file_is_not_opened_until_the_request_is_made()
    {
        var path = Path.Combine(_directory, "later.png");
        var image = ReferenceImage.FromFile(path);
        await File.WriteAllBytesAsync(path, TestImages.Png(100), TestContext.Current.CancellationToken);

        await _client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [image] }, TestContext.Current.CancellationToken);

        Assert.Equal("later.png", Assert.Single(Sent().Files).FileName);
    }

    [Fact]
    public async Task A_multipart_generation_gets_the_same_error_mapping_as_JSON()
    {
        await using var server = new ScriptedHttpServer((_, _) => Respond(402, """{"error":{"message":"Not enough credits","code":"insufficientCredits"}}"""));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress });

        var ex = await Assert.ThrowsAsync<InsufficientCreditsException>(() => client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Png(), "a.png")] },
            TestContext.Current.CancellationToken));

        Assert.Equal("insufficientCredits", ex.ErrorCode);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_multipart_generation_is_polled_like_a_JSON_one()
    {
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Respond(202, SeedResponses.Generation("g1", "queued"))
            : Respond(200, SeedResponses.Succeeded("g1")));
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, TimeProvider = clock });

        var generation = await clock.RunAsync(client.GenerateImageAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Png(), "a.png")] },
            TestContext.Current.CancellationToken));

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal(["POST", "GET"], server.Received.Select(r => r.Method));
    }

    [Fact]
    public async Task A_stream_that_throws_halfway_is_reported_as_ReferenceImageException_and_not_retried()
    {
        var stream = new ThrowingStream(TestImages.Png(300_000), failAfter: 100_000);

        var ex = await Assert.ThrowsAsync<ReferenceImageException>(() => _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromStream(stream, "broken.png")] },
            TestContext.Current.CancellationToken));

        Assert.Equal("broken.png", ex.FileName);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.StartsWith("Reference image #1 'broken.png' could not be read after ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Connections);
        Assert.Empty(_server.Received);
    }

    [Theory]
    [InlineData("../../etc/passwd.png", "passwd.png")]
    [InlineData("C:\\Users\\me\\photo.png", "photo.png")]
    [InlineData("a\"b\\c.png", "c.png")]
    [InlineData("quo\"te.png", "quo%22te.png")]
    [InlineData("100%.png", "100%25.png")]
    [InlineData("日本.png", "%E6%97%A5%E6%9C%AC.png")]
    [InlineData("line\r\nX-Injected: 1.png", "lineX-Injected: 1.png")]
    [InlineData("...", "image.png")]
    [InlineData(".hidden.png", "hidden.png")]
    public async Task File_names_in_Content_Disposition_are_made_safe(string given, string sent)
    {
        await _client.StartImageGenerationAsync(
            new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Png(), given)] },
            TestContext.Current.CancellationToken);

        Assert.Equal(sent, Assert.Single(Sent().Files).FileName);
    }

    /// <summary>Whether any of this process's open file descriptors points at <paramref name="path"/> (Linux).</summary>
    private static bool IsOpenByThisProcess(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == path)
                {
                    return true;
                }
            }
            catch (IOException)
            {
            }
        }

        return false;
    }

    internal sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    private sealed class ThrowingStream(byte[] content, int failAfter) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Check(base.Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Check(base.Read(buffer.Span)));

        private int Check(int read) => base.Position > failAfter ? throw new IOException("disk gone") : read;
    }
}
