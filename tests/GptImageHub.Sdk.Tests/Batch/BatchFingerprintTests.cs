using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;
using static GptImageHub.Sdk.Tests.ReferenceImages.MultipartRequestTests;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>What a batch item's fingerprint tells apart: a stream's photo by its bytes, not its name alone.</summary>
public sealed class BatchFingerprintTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-fingerprint-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImageGenerationRequest WithPhoto(ReferenceImage photo) => new("gpt-image-2", "restyle this photo") { ReferenceImages = [photo] };

    private static Task<BatchStoreItem> FingerprintAsync(ReferenceImage photo) => BatchFingerprint.ItemAsync("line-1", WithPhoto(photo), Ct);

    private Stream Open(string kind, byte[] content)
    {
        if (kind == "memory")
        {
            return new MemoryStream(content);
        }

        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".png");
        File.WriteAllBytes(path, content);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, useAsync: kind == "async-file");
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("file")]
    [InlineData("async-file")]
    public async Task Two_different_photos_from_seekable_streams_of_the_same_name_get_different_fingerprints(string kind)
    {
        await using var first = Open(kind, TestImages.Png(2000, fill: 1));
        await using var other = Open(kind, TestImages.Png(2000, fill: 2));

        var a = await FingerprintAsync(ReferenceImage.FromStream(first, "photo.png"));
        var b = await FingerprintAsync(ReferenceImage.FromStream(other, "photo.png"));

        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Null(a.Uncompared);
    }

    [Theory]
    [InlineData("memory", 2000)]
    [InlineData("file", 2000)]
    [InlineData("async-file", 300_000)]
    public async Task The_same_photo_in_two_seekable_streams_gets_the_same_fingerprint(string kind, int length)
    {
        var photo = TestImages.Png(length, fill: 7);
        await using var first = Open(kind, photo);
        await using var again = Open(kind, photo);

        var a = await FingerprintAsync(ReferenceImage.FromStream(first, "photo.png"));
        var b = await FingerprintAsync(ReferenceImage.FromStream(again, "photo.png"));

        Assert.Equal(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public async Task A_seekable_stream_is_hashed_from_its_position_and_put_back_there()
    {
        var photo = TestImages.Png(2000, fill: 3);
        var stream = new MemoryStream([9, 9, 9, .. photo]) { Position = 3 };

        var fromPosition = await FingerprintAsync(ReferenceImage.FromStream(stream, "photo.png"));

        Assert.Equal(3, stream.Position);
        Assert.Equal((await FingerprintAsync(ReferenceImage.FromStream(new MemoryStream(photo), "photo.png"))).Fingerprint, fromPosition.Fingerprint);
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_is_named_not_read_and_the_item_says_which_image_was_not_compared()
    {
        var a = await FingerprintAsync(ReferenceImage.FromStream(new NonSeekableStream(TestImages.Png(2000, fill: 1)), "photo.png"));
        var b = await FingerprintAsync(ReferenceImage.FromStream(new NonSeekableStream(TestImages.Png(2000, fill: 2)), "photo.png"));

        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal("reference image #1 'photo.png'", a.Uncompared);
    }

    [Fact]
    public async Task A_file_is_fingerprinted_by_its_path_so_a_tool_rewriting_it_leaves_the_request_the_same()
    {
        var path = Path.Combine(_directory, "photo.png");
        await File.WriteAllBytesAsync(path, TestImages.Png(2000, fill: 1), Ct);
        var before = await FingerprintAsync(ReferenceImage.FromFile(path));

        await File.WriteAllBytesAsync(path, TestImages.Png(2100, fill: 1), Ct);
        var after = await FingerprintAsync(ReferenceImage.FromFile(path));

        Assert.Equal(before.Fingerprint, after.Fingerprint);
        Assert.NotEqual(before.Fingerprint, (await FingerprintAsync(ReferenceImage.FromFile(Path.Combine(_directory, "other", "photo.png")))).Fingerprint);
    }

    [Fact]
    public async Task After_fingerprinting_a_seekable_stream_the_upload_sends_every_byte_from_where_the_caller_left_it()
    {
        await using var server = new ScriptedHttpServer((_, _) => Respond(202, SeedResponses.AsyncQueued));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress });

        // Larger than the hashing buffer, so the hash reads it in several pieces before the upload reads it again.
        var photo = TestImages.Png(300_000, fill: 5);
        var stream = new MemoryStream([9, 9, 9, .. photo]) { Position = 3 };
        var request = WithPhoto(ReferenceImage.FromStream(stream, "photo.png"));

        await BatchFingerprint.ItemAsync("line-1", request, Ct);
        await client.StartImageGenerationAsync(request, Ct);

        var sent = Assert.Single(server.Received);
        var file = Assert.Single(MultipartBody.Parse(sent.Headers["Content-Type"], sent.Body).Files);
        Assert.Equal("form-data; name=\"reference_image\"; filename=\"photo.png\"", file.Disposition);
        Assert.Equal(photo, file.Content);
        Assert.Equal(sent.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), sent.Headers["Content-Length"]);
    }
}
