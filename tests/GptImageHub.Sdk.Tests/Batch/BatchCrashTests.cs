using System.Diagnostics;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>
/// A child process runs a journaled batch against an emulator in this process and is killed with
/// SIGKILL mid-batch; the batch is then run again with the same journal. No key may be submitted
/// twice, and every image paid for must be either delivered or reported as possibly charged.
/// </summary>
public sealed class BatchCrashTests
{
    private const int ItemCount = 40;

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(25)]
    [InlineData(60)]
    public async Task A_batch_killed_mid_run_completes_on_rerun_without_paying_twice_or_losing_a_paid_image(int killAfterJournalLines)
    {
        await using var hub = await GptImageHubEmulator.StartAsync(
            new EmulatorOptions { QueueDelay = TimeSpan.FromMilliseconds(50), ProcessingDelay = TimeSpan.FromMilliseconds(150) },
            TestContext.Current.CancellationToken);
        var key = hub.CreateApiKey(credits: 10_000);
        var directory = Directory.CreateTempSubdirectory("gih-crash-").FullName;
        var journal = Path.Combine(directory, "batch.jsonl");
        try
        {
            await RunChildAndKillAsync(hub.BaseAddress, key, journal, killAfterJournalLines);
            var linesAtKill = File.Exists(journal) ? File.ReadAllLines(journal).Length : 0;

            using var client = new GptImageHubClient(new GptImageHubClientOptions
            {
                ApiKey = key,
                BaseAddress = hub.BaseAddress,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(20), MaxInterval = TimeSpan.FromMilliseconds(50), UseJitter = false },
            });
            var results = new List<BatchItemResult>();
            await foreach (var result in client.GenerateBatchAsync(Items(), new BatchOptions { JournalPath = journal, MaxConcurrency = 8 }, TestContext.Current.CancellationToken))
            {
                results.Add(result);
            }

            Assert.True(linesAtKill >= killAfterJournalLines, $"the child was killed after {linesAtKill} journal lines");
            Assert.Equal(ItemCount, results.Count);
            Assert.All(results, r => Assert.True(r.Status is BatchItemStatus.Succeeded or BatchItemStatus.Unknown, $"{r.Key}: {r.Status} {r.Reason}"));

            // No key was ever submitted twice, across both processes.
            for (var i = 0; i < ItemCount; i++)
            {
                Assert.InRange(hub.Ledger.CountGenerationRequests(Prompt(i)), 0, 1);
            }

            // Every charge is for an image the batch delivered, or for an item it reports as possibly charged.
            var delivered = results.Where(r => r.Status == BatchItemStatus.Succeeded).ToDictionary(r => r.GenerationId!, r => r);
            var charged = hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.GenerationId!).ToList();
            var unreported = charged.Where(id => !delivered.ContainsKey(id)).ToList();
            var unknown = results.Count(r => r.Status == BatchItemStatus.Unknown);
            Assert.True(unreported.Count <= unknown, $"{unreported.Count} charged generations are neither delivered nor flagged ({unknown} unknown)");
            Assert.All(delivered.Values, r => Assert.Single(r.Generation!.Images));
            Assert.Equal(ItemCount - unknown, delivered.Count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Prompt(int i) => $"crash test item {i:000}";

    private static IEnumerable<BatchItem> Items() =>
        Enumerable.Range(0, ItemCount).Select(i => new BatchItem($"item-{i:000}", new ImageGenerationRequest("gpt-image-2", Prompt(i)) { Quality = ImageQuality.Tier1K, N = 1 }));

    private static async Task RunChildAndKillAsync(Uri baseAddress, string key, string journal, int killAfterJournalLines)
    {
        var child = Path.Combine(AppContext.BaseDirectory, "GptImageHub.Sdk.Tests.BatchChild.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { child, baseAddress.ToString(), key, journal, ItemCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "8" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (File.Exists(journal) && CountLines(journal) >= killAfterJournalLines)
            {
                // Process.Kill sends SIGKILL on Linux: no finally block, no flush, no goodbye.
                process.Kill(entireProcessTree: true);
                break;
            }

            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await output;
    }

    private static int CountLines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var count = 0;
            int b;
            while ((b = stream.ReadByte()) >= 0)
            {
                count += b == '\n' ? 1 : 0;
            }

            return count;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
