using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Benchmarks.Batch;

/// <summary>
/// A 1,000-item batch against the emulator with no latency, 16 at once: items per second, the
/// client's peak working set and its allocation per item, with no journal, the file journal, and
/// (given <c>--postgres CONNECTION_STRING</c>) the PostgreSQL store with 1, 2 and 4 workers sharing
/// the 16; beside them a raw floor, a hand-written HttpClient loop doing the same POST and polls.
/// The emulator runs in a child process so its memory is not counted.
/// </summary>
internal static class BatchThroughputRun
{
    public static async Task RunAsync(bool quick, string? postgres = null)
    {
        var items = quick ? 200 : 1_000;
        using var emulator = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["batch-emulator"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            var baseAddress = new Uri((await emulator.StandardOutput.ReadLineAsync().ConfigureAwait(false))!);
            var key = (await emulator.StandardOutput.ReadLineAsync().ConfigureAwait(false))!;
            Console.WriteLine($"Batch of {items} items against the emulator (child process, no latency), MaxConcurrency 16");
            Console.WriteLine("| store | items/s | wall | peak working set | allocated per item | vs raw floor | database round trips per item |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            var floor = await MeasureRawAsync(baseAddress, key, items).ConfigureAwait(false);
            await MeasureAsync(baseAddress, key, items, "none", floor, null).ConfigureAwait(false);
            await MeasureAsync(baseAddress, key, items, "file journal (fsync)", floor, null).ConfigureAwait(false);
            if (postgres is not null)
            {
                foreach (var workers in new[] { 1, 2, 4 })
                {
                    await MeasureAsync(baseAddress, key, items, $"PostgreSQL, {workers} worker{(workers == 1 ? string.Empty : "s")}", floor, (postgres, workers)).ConfigureAwait(false);
                }
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

    private const int Concurrency = 16;
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>The floor: a loop that posts each item and polls it every 50 ms, 16 at once, with nothing else.</summary>
    private static async Task<(double ItemsPerSecond, double BytesPerItem)> MeasureRawAsync(Uri baseAddress, string key, int count)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var runId = Guid.NewGuid().ToString("N")[..6];
        using var gate = new SemaphoreSlim(Concurrency);
        var (elapsed, allocated, peak) = await MeasureCoreAsync(async () =>
        {
            var tasks = Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    using var posted = await http.PostAsJsonAsync("api/v1/images/generations", new RawRequest("gpt-image-2", $"raw {runId} {i}", "1K", true)).ConfigureAwait(false);
                    posted.EnsureSuccessStatusCode();
                    var id = (await posted.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false)).GetProperty("id").GetString();
                    await Task.Delay(FirstPoll).ConfigureAwait(false);
                    while (true)
                    {
                        var polled = await http.GetFromJsonAsync<JsonElement>($"api/v1/generations/{id}").ConfigureAwait(false);
                        if (polled.GetProperty("status").GetString() == "succeeded")
                        {
                            return;
                        }

                        await Task.Delay(FirstPoll).ConfigureAwait(false);
                    }
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(tasks).ConfigureAwait(false);
            return count;
        }).ConfigureAwait(false);
        var row = (count / elapsed.TotalSeconds, allocated / (double)count);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| raw HttpClient loop (floor) | {row.Item1:0} | {elapsed.TotalSeconds:0.0} s | {peak / 1048576.0:0} MB | {row.Item2 / 1024:0.0} KB | 1.00x | - |"));
        return row;
    }

    private static async Task MeasureAsync(Uri baseAddress, string key, int count, string name, (double ItemsPerSecond, double BytesPerItem) floor, (string Connection, int Workers)? postgres)
    {
        var directory = Directory.CreateTempSubdirectory("gih-batch-bench-").FullName;
        var runId = Guid.NewGuid().ToString("N")[..6];
        var items = Enumerable.Range(0, count).Select(i => new BatchItem($"{runId}-{i}", new ImageGenerationRequest("gpt-image-2", $"bench {runId} {i}") { Quality = ImageQuality.Tier1K })).ToList();
        var workers = postgres?.Workers ?? 1;
        var clients = Enumerable.Range(0, workers).Select(_ => new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = key,
            BaseAddress = baseAddress,
            Polling = { InitialInterval = FirstPoll, MaxInterval = TimeSpan.FromMilliseconds(200) },
        })).ToList();
        var stores = postgres is { } pg
            ? Enumerable.Range(0, workers).Select(_ => new PostgreSqlBatchStore(pg.Connection, "bench-" + runId)).ToList()
            : [];
        var commitsBefore = postgres is { } db ? await CommitsAsync(db.Connection).ConfigureAwait(false) : 0;
        var (elapsed, allocated, peak) = await MeasureCoreAsync(async () =>
        {
            var runs = Enumerable.Range(0, workers).Select(async w =>
            {
                var options = new BatchOptions
                {
                    MaxConcurrency = Concurrency / workers,
                    JournalPath = name.StartsWith("file", StringComparison.Ordinal) ? Path.Combine(directory, "journal.jsonl") : null,
                    Store = stores.Count > 0 ? stores[w] : null,
                };
                var succeeded = 0;
                await foreach (var result in clients[w].GenerateBatchAsync(items, options).ConfigureAwait(false))
                {
                    succeeded += result.Status == BatchItemStatus.Succeeded ? 1 : 0;
                }

                return succeeded;
            });
            return (await Task.WhenAll(runs).ConfigureAwait(false)).Sum();
        }).ConfigureAwait(false);
        var roundTrips = postgres is { } after ? (await CommitsAsync(after.Connection).ConfigureAwait(false) - commitsBefore) / (double)count : (double?)null;
        foreach (var store in stores)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        Directory.Delete(directory, recursive: true);
        var perItem = allocated / (double)count;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {count / elapsed.TotalSeconds:0} | {elapsed.TotalSeconds:0.0} s | {peak / 1048576.0:0} MB | {perItem / 1024:0.0} KB | {perItem / floor.BytesPerItem:0.00}x alloc, {floor.ItemsPerSecond / (count / elapsed.TotalSeconds):0.00}x time | {(roundTrips is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-")} |"));
    }

    /// <summary>Transactions the database committed so far: each statement the store runs outside a transaction is one.</summary>
    private static async Task<long> CommitsAsync(string connection)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var command = dataSource.CreateCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        await Task.Delay(600).ConfigureAwait(false); // the statistics collector reports at most every 500 ms
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Runs <paramref name="run"/> once: its wall time, the bytes it allocated, and the process's peak working set sampled every 5 ms.</summary>
    internal static async Task<(TimeSpan Elapsed, long Allocated, long Peak)> MeasureCoreAsync(Func<Task<int>> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var peak = process.WorkingSet64;
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
        await run().ConfigureAwait(false);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        return (clock.Elapsed, allocated, peak);
    }

    private sealed record RawRequest(string Model, string Prompt, string Quality, bool Async);
}
