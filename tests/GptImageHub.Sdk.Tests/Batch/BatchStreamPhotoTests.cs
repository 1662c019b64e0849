using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;
using static GptImageHub.Sdk.Tests.ReferenceImages.MultipartRequestTests;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>
/// A reference image from a stream was fingerprinted by its name alone. A new item with another photo that
/// happened to share an earlier item's file name (every upload form's "photo.png") was taken for that item's
/// moved line and refused, and a key rerun with another photo was taken for the same request.
/// </summary>
public sealed class BatchStreamPhotoTests : IAsyncLifetime
{
    private const string Prompt = "render this product on a marble table";

    private static readonly byte[] FirstPhoto = TestImages.Png(4000, fill: 1);
    private static readonly byte[] OtherPhoto = TestImages.Png(4000, fill: 2);

    private readonly string _directory = Directory.CreateTempSubdirectory("gih-batch-stream-photo-").FullName;
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(10) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private BatchOptions Journaled => new() { MaxConcurrency = 1, JournalPath = Path.Combine(_directory, "batch.jsonl") };

    private static BatchItem Item(string key, Stream photo) =>
        new(key, new ImageGenerationRequest("gpt-image-2", Prompt) { Quality = ImageQuality.Tier1K, ReferenceImages = [ReferenceImage.FromStream(photo, "photo.png")] });

    [Fact]
    public async Task A_new_key_with_another_photo_of_the_same_name_is_submitted_once_not_refused_as_a_moved_line()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        await CollectAsync(client.GenerateBatchAsync([Item("line-1", new MemoryStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken));

        var second = await CollectAsync(client.GenerateBatchAsync([Item("line-2", new MemoryStream(OtherPhoto))], Journaled, TestContext.Current.CancellationToken));

        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.Equal(2, _hub.Ledger.CountGenerationRequests(Prompt));
    }

    [Fact]
    public async Task A_moved_line_with_the_same_photo_from_a_seekable_stream_is_still_refused_before_any_request()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        await CollectAsync(client.GenerateBatchAsync([Item("line-1", new MemoryStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            CollectAsync(client.GenerateBatchAsync([Item("line-2", new MemoryStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken)));

        Assert.Contains("'line-2' has the same request as item 'line-1'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot seek", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(Prompt));
    }

    [Fact]
    public async Task Rerunning_a_key_with_another_photo_of_the_same_name_is_refused_naming_the_key()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        await CollectAsync(client.GenerateBatchAsync([Item("line-1", new MemoryStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            CollectAsync(client.GenerateBatchAsync([Item("line-1", new MemoryStream(OtherPhoto))], Journaled, TestContext.Current.CancellationToken)));

        Assert.Contains("'line-1'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(Prompt));
    }

    [Fact]
    public async Task Rerunning_a_key_with_the_same_photo_in_a_new_stream_is_reported_from_the_journal_without_a_request()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        await CollectAsync(client.GenerateBatchAsync([Item("line-1", new MemoryStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken));

        var rerun = Assert.Single(await CollectAsync(client.GenerateBatchAsync([Item("line-1", new MemoryStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken)));

        Assert.True(rerun.FromJournal);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(Prompt));
    }

    [Fact]
    public async Task A_seekable_photo_stream_that_fails_to_read_refuses_the_batch_naming_the_item_before_any_request()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        var broken = new FailingStream(FirstPhoto) { Position = 2 };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            CollectAsync(client.GenerateBatchAsync([Item("line-1", broken)], Journaled, TestContext.Current.CancellationToken)));

        Assert.StartsWith("Batch item 'line-1': ", ex.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(2, broken.Position);
        Assert.Empty(_hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_moved_line_with_a_photo_from_a_stream_that_cannot_seek_is_refused_saying_its_bytes_could_not_be_compared()
    {
        using var client = FastClient(_hub.BaseAddress, _hub.CreateApiKey(credits: 100));
        await CollectAsync(client.GenerateBatchAsync([Item("line-1", new NonSeekableStream(FirstPhoto))], Journaled, TestContext.Current.CancellationToken));

        // Another photo, but nothing can tell: a stream that cannot seek is read once, by the upload.
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            CollectAsync(client.GenerateBatchAsync([Item("line-2", new NonSeekableStream(OtherPhoto))], Journaled, TestContext.Current.CancellationToken)));

        Assert.Contains("'line-2' has the same request as item 'line-1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reference image #1 'photo.png' is a stream that cannot seek", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _hub.Ledger.CountGenerationRequests(Prompt));
    }

    private sealed class FailingStream(byte[] content) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("disk gone");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("disk gone");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("disk gone");
    }
}
