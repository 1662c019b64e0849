using System.Diagnostics;
using System.Globalization;

namespace GptImageHub.Sdk.Benchmarks.PerCall;

/// <summary>
/// Time ratios that hold on a noisy machine: in each round every library runs the same operation
/// the same number of times, one after the other, and the ratio to Raw is taken per round; the
/// median over the rounds is printed. A slow spell of the host then slows Raw and the SDK alike,
/// where separate BenchmarkDotNet runs minutes apart can differ by 20-30 %.
/// </summary>
public static class InterleavedTiming
{
    private static readonly string[] AllOperations = ["GetGeneration", "GetCredits", "GetModels", "StartGeneration", "GenerateServerWait", "GeneratePolling"];

    public static async Task RunAsync(string[] args)
    {
        var operations = args.Length > 0 ? args[0].Split(',') : AllOperations;
        string[] libraries = args.Length > 1 ? args[1].Split(',') : ["Raw", "Sdk", "Refit"];
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 21;
        var benchmarks = new PerCallBenchmarks();
        benchmarks.Setup();
        Console.WriteLine($"Median of {rounds} interleaved rounds; ratio to {libraries[0]} taken per round.");
        foreach (var operation in operations)
        {
            var calls = libraries.Select(library => Bind(benchmarks, operation, library)).ToArray();

            // A polling job is four requests: fewer of them per round.
            var perRound = operation == "GeneratePolling" ? 5_000 : 20_000;

            // Warm up by time, not by count: tiered compilation promotes hot methods about 100 ms after
            // they turn hot, and a round that starts before that measures unoptimized code.
            foreach (var call in calls)
            {
                var warming = Stopwatch.StartNew();
                while (warming.ElapsedMilliseconds < 1_000)
                {
                    await call().ConfigureAwait(false);
                }
            }

            var times = new double[calls.Length][];
            for (var library = 0; library < calls.Length; library++)
            {
                times[library] = new double[rounds];
            }

            var allocated = new long[calls.Length];
            for (var round = 0; round < rounds; round++)
            {
                for (var library = 0; library < calls.Length; library++)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var clock = Stopwatch.StartNew();
                    for (var i = 0; i < perRound; i++)
                    {
                        await calls[library]().ConfigureAwait(false);
                    }

                    times[library][round] = clock.Elapsed.TotalNanoseconds / perRound;
                    allocated[library] = (GC.GetAllocatedBytesForCurrentThread() - before) / perRound;
                }
            }

            var line = $"{operation,-20}";
            for (var library = 0; library < calls.Length; library++)
            {
                var ratio = Median(Enumerable.Range(0, rounds).Select(round => times[library][round] / times[0][round]));
                line += $" | {libraries[library]} {Median(times[library]),7:0} ns x{ratio:0.00} {allocated[library],6} B";
            }

            Console.WriteLine(line);
        }

        benchmarks.Cleanup();
    }

    private static Func<Task> Bind(PerCallBenchmarks benchmarks, string operation, string library) =>
        typeof(PerCallBenchmarks).GetMethod(operation + "_" + library) is { } method
            ? (Func<Task>)Delegate.CreateDelegate(typeof(Func<Task>), benchmarks, method)
            : throw new ArgumentException($"No benchmark named {operation}_{library}.");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
