using System.Diagnostics;
using System.Globalization;
using GptImageHub.Sdk.Benchmarks.Peers;
using GptImageHub.Sdk.Benchmarks.Wire;

namespace GptImageHub.Sdk.Benchmarks.Loopback;

/// <summary>
/// Requests per second over real sockets: the SDK and the raw client against the seed server on
/// loopback, with 1 and 64 callers each looping on the same call for a fixed time. Several
/// rounds after a warm-up; the median is reported, since timing here drifts by 20-30 %. Client
/// and server share the machine's two cores, so at 64 callers every microsecond of client CPU
/// (and every extra header the server parses) shows.
/// </summary>
public static class ThroughputRun
{
    public static async Task RunAsync(bool quick)
    {
        var roundTime = TimeSpan.FromSeconds(quick ? 1 : 2);
        var rounds = quick ? 3 : 7;
        using var server = await ServerProcess.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"Seed server at {server.Address} (child process); {rounds} rounds of {roundTime.TotalSeconds:0} s after a warm-up round, median shown.");

        // The SDK twice: with the HttpClient it makes itself (which also asks for gzip and deflate),
        // and over a caller's HttpClient with exactly the raw client's handler, which isolates the
        // SDK's own pipeline from that handler choice.
        using var sdk = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = SeedBodies.ApiKey, BaseAddress = server.Address });
        using var sdkHttp = new HttpClient(PlainHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var sdkOverPlain = new GptImageHubClient(sdkHttp, new GptImageHubClientOptions { ApiKey = SeedBodies.ApiKey, BaseAddress = server.Address });
        using var rawHttp = new HttpClient(PlainHandler());
        var raw = RawClient.Create(rawHttp, server.Address, SeedBodies.ApiKey);

        var libraries = new[] { "Raw", "Sdk", "Sdk, plain handler" };
        var operations = new (string Name, Func<Task>[] Calls)[]
        {
            ("GetGeneration", [() => raw.GetGenerationAsync(SeedBodies.GenerationId), () => sdk.GetGenerationAsync(SeedBodies.GenerationId), () => sdkOverPlain.GetGenerationAsync(SeedBodies.GenerationId)]),
            ("GetCredits", [() => raw.GetCreditsAsync(), () => sdk.GetCreditsAsync(), () => sdkOverPlain.GetCreditsAsync()]),
        };

        var results = new List<(string Operation, int Callers, double[] Rps)>();
        foreach (var callers in new[] { 1, 64 })
        {
            foreach (var (name, calls) in operations)
            {
                foreach (var call in calls)
                {
                    await MeasureAsync(call, callers, roundTime).ConfigureAwait(false);
                }

                // Interleaved, each round in a rotated order, so that drift on this machine hits all alike.
                var samples = calls.Select(_ => new List<double>()).ToArray();
                for (var round = 0; round < rounds; round++)
                {
                    for (var i = 0; i < calls.Length; i++)
                    {
                        var which = (i + round) % calls.Length;
                        samples[which].Add(await MeasureAsync(calls[which], callers, roundTime).ConfigureAwait(false));
                    }
                }

                var medians = new double[calls.Length];
                for (var i = 0; i < calls.Length; i++)
                {
                    samples[i].Sort();
                    medians[i] = samples[i][samples[i].Count / 2];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14} {libraries[i],-18} {callers,3} callers: {medians[i],9:N0} req/s  (rounds: {string.Join(", ", samples[i].Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))})"));
                }

                results.Add((name, callers, medians));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Operation | Callers | Raw req/s | Sdk req/s | Sdk / Raw | Sdk, plain handler req/s | Sdk, plain handler / Raw |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (operation, callers, rps) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {operation} | {callers} | {rps[0]:N0} | {rps[1]:N0} | {rps[1] / rps[0]:0.00} | {rps[2]:N0} | {rps[2] / rps[0]:0.00} |"));
        }
    }

    private static SocketsHttpHandler PlainHandler() => new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

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
