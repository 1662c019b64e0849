using System.Globalization;
using GptImageHub.Sdk;

// Arguments: base address, API key, journal path, item count, concurrency.
var baseAddress = new Uri(args[0]);
var count = int.Parse(args[3], CultureInfo.InvariantCulture);
using var client = new GptImageHubClient(new GptImageHubClientOptions
{
    ApiKey = args[1],
    BaseAddress = baseAddress,
    Polling = { InitialInterval = TimeSpan.FromMilliseconds(20), MaxInterval = TimeSpan.FromMilliseconds(50), UseJitter = false },
});

var items = Enumerable.Range(0, count).Select(i => new BatchItem(
    $"item-{i:000}",
    new ImageGenerationRequest("gpt-image-2", $"crash test item {i:000}") { Quality = ImageQuality.Tier1K, N = 1 }));
var options = new BatchOptions { JournalPath = args[2], MaxConcurrency = int.Parse(args[4], CultureInfo.InvariantCulture) };

await foreach (var result in client.GenerateBatchAsync(items, options))
{
    Console.WriteLine($"{result.Key} {result.Status} {result.GenerationId}");
}

return 0;
