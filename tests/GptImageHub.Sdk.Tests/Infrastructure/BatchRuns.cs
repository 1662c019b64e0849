using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>What the batch tests share: a client that polls every 10-20 ms and never retries, items, and collecting a run.</summary>
internal static class BatchRuns
{
    public static GptImageHubClient FastClient(Uri baseAddress, string key, HttpMessageHandler? handler = null, ILoggerFactory? loggers = null) => new(
        new HttpClient(handler ?? new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan },
        new GptImageHubClientOptions
        {
            ApiKey = key,
            BaseAddress = baseAddress,
            MaxRetries = 0,
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
        },
        loggers);

    public static List<BatchItem> Items(int count, string prefix = "item") =>
        [.. Enumerable.Range(0, count).Select(i => new BatchItem($"{prefix}-{i:000}", new ImageGenerationRequest("gpt-image-2", $"{prefix} prompt {i:000}") { Quality = ImageQuality.Tier1K }))];

    public static async Task<List<BatchItemResult>> CollectAsync(IAsyncEnumerable<BatchItemResult> results)
    {
        var list = new List<BatchItemResult>();
        await foreach (var result in results)
        {
            list.Add(result);
        }

        return list;
    }

    /// <summary>Collects until the run ends or throws, and returns both what came and what was thrown.</summary>
    public static async Task<(List<BatchItemResult> Results, Exception? Error)> CollectUntilErrorAsync(IAsyncEnumerable<BatchItemResult> results)
    {
        var list = new List<BatchItemResult>();
        try
        {
            await foreach (var result in results)
            {
                list.Add(result);
            }
        }
        catch (Exception ex)
        {
            return (list, ex);
        }

        return (list, null);
    }
}
