using System.Diagnostics;

namespace GptImageHub.Sdk.Benchmarks.PerCall;

/// <summary>
/// Runs every benchmark once and prints what it returned, so a broken stub or a client that
/// throws is seen in a second rather than after a BenchmarkDotNet run.
/// </summary>
public static class Verify
{
    public static async Task RunAsync()
    {
        var benchmarks = new PerCallBenchmarks();
        benchmarks.Setup();
        try
        {
            foreach (var method in typeof(PerCallBenchmarks).GetMethods().Where(m => m.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false).Length > 0))
            {
                var task = (Task)method.Invoke(benchmarks, null)!;
                await task.ConfigureAwait(false);
                var result = task.GetType().GetProperty("Result")!.GetValue(task);
                Console.WriteLine($"{method.Name,-28} {Describe(result)}");
            }

            // One tick must not turn into a timer wait, or the polling benchmarks would time the clock.
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < 1000; i++)
            {
                await benchmarks.GeneratePolling_Sdk().ConfigureAwait(false);
            }

            Console.WriteLine($"1000 polling generations (3 polls each) took {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static string Describe(object? result) => result switch
    {
        ImageGeneration g => $"{g.Id} {g.Status} images={g.Images.Count}",
        GenerationOperation o => $"{o.Id} {o.Value.Status}",
        CreditBalance c => $"credits={c.Credits}",
        IReadOnlyList<ImageModel> m => $"models={m.Count} limit={m[0].ReferenceImageLimit}",
        Peers.RawGeneration r => $"{r.Id} {r.Status} images={r.Images?.Count}",
        Peers.RawCredits r => $"credits={r.Credits}",
        Peers.RawModelList r => $"models={r.Data.Count} limit={r.Data[0].ReferenceImageLimit}",
        Peers.RawFullGeneration r => $"{r.Id} {r.Status} images={r.Images?.Count}",
        Peers.RawFullCredits r => $"credits={r.Credits}",
        Peers.RawFullModelList r => $"models={r.Data.Count} limit={r.Data[0].ReferenceImageLimit}",
        Uri u => u.ToString(),
        _ => result?.ToString() ?? "null",
    };
}
