using System.Diagnostics;
using System.Globalization;
using GptImageHub.Sdk.Benchmarks.Peers;
using GptImageHub.Sdk.Benchmarks.Wire;

namespace GptImageHub.Sdk.Benchmarks.Loopback;

/// <summary>
/// Requests per second over real sockets: the SDK and the raw client against the seed server on
/// loopback, with 1 and 64 callers each looping on the same call for a fixed time. Several
/// rounds after a warm-up; the median is reported, since timing here drifts by 20-30 %.
/// </summary>
public static class ThroughputRun
{
    public static async Task RunAsync(bool quick)
    {
        var roundTime = TimeSpan.FromSeconds(quick ? 1 : 2);
        var rounds = quick ? 3 : 7;
        using var server = await ServerProcess.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"Seed server at {server.Address} (child process); {rounds} rounds of {roundTime.TotalSeconds:0} s after a warm-up round, median shown.");

        using var sdk = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = SeedBodies.ApiKey, BaseAddress = server.Address });
        using var rawHttp = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var raw = new RawClient(rawHttp, server.Address, SeedBodies.ApiKey);

        var operations = new (string Name, Func<Task> Raw, Func<Task> Sdk)[]
        {
            ("GetGeneration", () => raw.GetGenerationAsync(SeedBodies.GenerationId), () => sdk.GetGenerationAsync(SeedBodies.GenerationId)),
            ("GetCredits", () => raw.GetCreditsAsync(), () => sdk.GetCreditsAsync()),
        };

        var results = new List<(string Operation, string Library, int Callers, double Rps)>();
        foreach (var callers in new[] { 1, 64 })
        {
            foreach (var (name, rawCall, sdkCall) in operations)
            {
                await MeasureAsync(rawCall, callers, roundTime).ConfigureAwait(false);
                await MeasureAsync(sdkCall, callers, roundTime).ConfigureAwait(false);

                // Interleaved, and in alternating order, so that drift on this machine hits both alike.
                var rawSamples = new List<double>();
                var sdkSamples = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    if (round % 2 == 0)
                    {
                        rawSamples.Add(await MeasureAsync(rawCall, callers, roundTime).ConfigureAwait(false));
                        sdkSamples.Add(await MeasureAsync(sdkCall, callers, roundTime).ConfigureAwait(false));
                    }
                    else
                    {
                        sdkSamples.Add(await MeasureAsync(sdkCall, callers, roundTime).ConfigureAwait(false));
                        rawSamples.Add(await MeasureAsync(rawCall, callers, roundTime).ConfigureAwait(false));
                    }
                }

                foreach (var (library, samples) in new[] { ("Raw", rawSamples), ("Sdk", sdkSamples) })
                {
                    samples.Sort();
                    var median = samples[samples.Count / 2];
                    results.Add((name, library, callers, median));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14} {library,-4} {callers,3} callers: {median,9:N0} req/s  (rounds: {string.Join(", ", samples.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))})"));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Operation | Callers | Raw req/s | Sdk req/s | Sdk / Raw |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Operation, r.Callers)))
        {
            var rawRps = group.Single(r => r.Library == "Raw").Rps;
            var sdkRps = group.Single(r => r.Library == "Sdk").Rps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {group.Key.Operation} | {group.Key.Callers} | {rawRps:N0} | {sdkRps:N0} | {sdkRps / rawRps:0.00} |"));
        }
    }

    private static async Task<double> MeasureAsync(Func<Task> call, int callers, TimeSpan duration)
    {
        var stop = Stopwatch.StartNew();
        var completed = 0L;
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var mine = 0L;
            while (stop.Elapsed < duration)
            {
                await call().ConfigureAwait(false);
                mine++;
            }

            Interlocked.Add(ref completed, mine);
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return completed / stop.Elapsed.TotalSeconds;
    }
}
