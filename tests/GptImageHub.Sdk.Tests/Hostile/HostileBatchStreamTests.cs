using System.Collections.Concurrent;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A batch fingerprints a seekable reference stream by its bytes before the first request, then the upload
/// reads it again. What it sends must be what it fingerprinted, for every item that holds the stream.
/// </summary>
public sealed class HostileBatchStreamTests
{
    private static readonly byte[] Logo = TestImages.Png(200_000, fill: 7);

    private static CancellationToken T => TestContext.Current.CancellationToken;

    /// <summary>
    /// One logo stream for several prompts ("put our logo on each of these"). Both items were fingerprinted from
    /// the stream's start, but the first upload left it at its end: the second was refused as an empty image
    /// (with two at a time, both read one position and sent each other's halves, both charged).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task One_stream_in_two_items_is_refused_before_any_request_not_sent_empty_or_in_halves(int concurrency)
    {
        var sent = new ConcurrentBag<byte[]>();
        using var handler = new CannedAnswerHandler(request =>
        {
            if (request.Method == HttpMethod.Post)
            {
                var body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                sent.Add(Assert.Single(MultipartBody.Parse(request.Content.Headers.ContentType!.ToString(), body).Files).Content);
            }

            return CannedAnswerHandler.Answer(200, new StringContent(SeedResponses.SyncSucceeded, Encoding.UTF8, "application/json"));
        });
        using var client = handler.CreateClient();
        using var logo = new MemoryStream(Logo);
        BatchItem Item(string key) => new(key, new ImageGenerationRequest("gpt-image-2", "our logo on a " + key) { ReferenceImages = [ReferenceImage.FromStream(logo, "logo.png")] });

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            CollectAsync(client.GenerateBatchAsync([Item("mug"), Item("shirt")], new BatchOptions { MaxConcurrency = concurrency }, T)));

        Assert.Contains("'mug' and 'shirt'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Posts);
        Assert.Empty(sent);
    }

    /// <summary>
    /// A seekable stream whose <see cref="Stream.Length"/> says 4,000 bytes but whose reads never end (a pipe or
    /// a generator behind a seekable façade). The fingerprint read it to its end, that is for ever: the batch
    /// hung before its first request, spinning a core. The upload stops such a stream at 50 MB; so does the fingerprint.
    /// </summary>
    [Fact]
    public async Task A_seekable_stream_that_never_ends_does_not_hang_the_batch_before_its_first_request()
    {
        using var handler = new CannedAnswerHandler(request =>
        {
            _ = request.Content?.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return CannedAnswerHandler.Answer(200, new StringContent(SeedResponses.SyncSucceeded, Encoding.UTF8, "application/json"));
        });
        using var client = handler.CreateClient();
        using var endless = new EndlessStream(claimedLength: 4000);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        var item = new BatchItem("endless", new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromStream(endless, "photo.png")] });

        var run = CollectAsync(client.GenerateBatchAsync([item], new BatchOptions(), stop.Token));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20), T));
        await stop.CancelAsync();

        Assert.True(finished == run, $"the batch still ran after 20 s; the stream had served {endless.Served:N0} bytes");
        Assert.NotEqual(BatchItemStatus.Succeeded, Assert.Single(await run).Status);
    }

    /// <summary>
    /// A stream that says it can seek but whose <see cref="Stream.Length"/> or position setter is not supported (a
    /// wrapper that forwards <c>CanSeek</c> only). The fingerprint's NotSupportedException left the batch as it was,
    /// naming no item, where a stream that fails to read refuses the batch naming the item, before any request.
    /// </summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_stream_that_lies_about_seeking_refuses_the_batch_naming_the_item_before_any_request(bool lengthThrows, bool positionSetterThrows)
    {
        using var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(200, new StringContent(SeedResponses.SyncSucceeded, Encoding.UTF8, "application/json")));
        using var client = handler.CreateClient();
        using var photo = new HalfSeekableStream(TestImages.Png(4000), lengthThrows, positionSetterThrows);
        var item = new BatchItem("liar", new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromStream(photo, "photo.png")] });

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => CollectAsync(client.GenerateBatchAsync([item], new BatchOptions(), T)));

        Assert.Contains("'liar'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Posts);
    }

    private sealed class HalfSeekableStream(byte[] content, bool lengthThrows, bool positionSetterThrows) : MemoryStream(content)
    {
        public override long Length => lengthThrows ? throw new NotSupportedException("no length") : base.Length;

        public override long Position
        {
            get => base.Position;
            set => base.Position = positionSetterThrows ? throw new NotSupportedException("no seeking") : value;
        }
    }

    /// <summary>A PNG header, then filler for ever; claims to be seekable and <c>claimedLength</c> long.</summary>
    private sealed class EndlessStream(long claimedLength) : Stream
    {
        private static readonly byte[] Header = TestImages.Png(16);
        private long _position;

        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => claimedLength;

        public override long Position { get => Math.Min(_position, claimedLength); set => _position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < Header.Length ? Header[at] : (byte)7;
            }

            _position += count;
            Served += count;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin == SeekOrigin.Begin ? offset : throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
