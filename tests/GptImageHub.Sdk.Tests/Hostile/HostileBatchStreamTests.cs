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
}
