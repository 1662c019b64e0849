using System.Diagnostics;
using System.Globalization;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Benchmarks.Batch;

/// <summary>
/// A 1,000-item batch against the emulator with no latency, 16 at once: items per second and the
/// client's peak working set. The emulator runs in a child process so its memory is not counted.
/// </summary>
internal static class BatchThroughputRun
{
    public static async Task RunAsync(bool quick)
    {
        var items = quick ? 200 : 1_000;
        using var emulator = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["batch-emulator"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            var baseAddress = new Uri((await emulator.StandardOutput.ReadLineAsync().ConfigureAwait(false))!);
            var key = (await emulator.StandardOutput.ReadLineAsync().ConfigureAwait(false))!;
            Console.WriteLine($"Batch of {items} items against the emulator (child process, no latency), MaxConcurrency 16");
            Console.WriteLine("| journal | polling start | items/s | wall | peak working set | growth | allocated |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var journal in new[] { false, true })
            {
                await MeasureAsync(baseAddress, key, items, journal, TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
            }
        }
        finally
        {
            emulator.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The child: an emulator with plenty of credits, its address and key on the first two lines.</summary>
    public static async Task ServeEmulatorAsync()
    {
        await using var hub = await GptImageHubEmulator.StartAsync().ConfigureAwait(false);
        Console.WriteLine(hub.BaseAddress);
        Console.WriteLine(hub.CreateApiKey(credits: 100_000_000));
        await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
    }

    private static async Task MeasureAsync(Uri baseAddress, string key, int count, bool journal, TimeSpan firstPoll)
    {
        var directory = Directory.CreateTempSubdirectory("gih-batch-bench-").FullName;
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = key,
            BaseAddress = baseAddress,
            Polling = { InitialInterval = firstPoll, MaxInterval = TimeSpan.FromMilliseconds(200) },
        });
        var runId = Guid.NewGuid().ToString("N")[..6];
        var items = Enumerable.Range(0, count).Select(i => new BatchItem($"{runId}-{i}", new ImageGenerationRequest("gpt-image-2", $"bench {runId} {i}") { Quality = ImageQuality.Tier1K })).ToList();
        var options = new BatchOptions { MaxConcurrency = 16, JournalPath = journal ? Path.Combine(directory, "journal.jsonl") : null };

        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(5).ConfigureAwait(false);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var succeeded = 0;
        await foreach (var result in client.GenerateBatchAsync(items, options).ConfigureAwait(false))
        {
            succeeded += result.Status == BatchItemStatus.Succeeded ? 1 : 0;
        }

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        Directory.Delete(directory, recursive: true);
        if (succeeded != count)
        {
            throw new InvalidOperationException($"{count - succeeded} items did not succeed");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {(journal ? "on (fsync)" : "off")} | {firstPoll.TotalMilliseconds:0} ms | {count / clock.Elapsed.TotalSeconds:0} | {clock.Elapsed.TotalSeconds:0.0} s | {peak / 1048576.0:0} MB | {(peak - before) / 1048576.0:0} MB | {allocated / 1048576.0:0} MB |"));
    }
}
