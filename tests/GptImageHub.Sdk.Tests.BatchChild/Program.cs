using System.Globalization;
using GptImageHub.Emulator;
using GptImageHub.Sdk;

if (args.Length > 0 && args[0] == "emulator")
{
    return await ServeEmulatorAsync(args);
}

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

// "emulator QUEUE_MS PROCESSING_MS CREDITS": an emulator in a process of its own. It prints its address and a
// key, then answers each "ledger" line on stdin with one line of figures, and stops when stdin closes.
static async Task<int> ServeEmulatorAsync(string[] args)
{
    await using var hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions
    {
        QueueDelay = TimeSpan.FromMilliseconds(int.Parse(args[1], CultureInfo.InvariantCulture)),
        ProcessingDelay = TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture)),
    });
    Console.WriteLine(hub.BaseAddress);
    Console.WriteLine(hub.CreateApiKey(credits: long.Parse(args[3], CultureInfo.InvariantCulture)));
    while (await Console.In.ReadLineAsync() is { } command)
    {
        if (command == "ledger")
        {
            var requests = hub.Ledger.GenerationRequests;
            var duplicates = requests.GroupBy(r => r.Prompt).Count(g => g.Count() > 1);
            var charges = hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"posts={requests.Count} duplicates={duplicates} charges={charges.Count} charged={hub.Ledger.TotalCharged} refunded={hub.Ledger.TotalRefunded} images={hub.Ledger.ImagesDelivered}"));
        }
    }

    return 0;
}
