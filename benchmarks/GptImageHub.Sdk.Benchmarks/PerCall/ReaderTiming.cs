using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Sdk.Benchmarks.Peers;
using GptImageHub.Sdk.Benchmarks.Wire;

namespace GptImageHub.Sdk.Benchmarks.PerCall;

/// <summary>
/// The read alone, without HTTP: System.Text.Json over one seed body into the Raw DTOs (4 of a
/// generation's 12 fields), the RawFull DTOs (every field) and the SDK's records, interleaved as in
/// <see cref="InterleavedTiming"/>. Other builds of the SDK load side by side, each in an
/// AssemblyLoadContext of its own, so that a change to the reader is timed against the tree before it
/// in one process, where separate runs differ by 20-30 % on this host.
/// </summary>
public static class ReaderTiming
{
    private const int Rounds = 31;
    private const int ReadsPerRound = 20_000;

    /// <summary>
    /// <c>reader [generation|queued] [NAME=PATH/GptImageHub.Sdk.dll ...]</c>: the finished generation the
    /// API reference prints, or the queued answer a poll sees, and the builds to compare.
    /// </summary>
    public static void Run(string[] args)
    {
        var bodyName = args.Length > 0 ? args[0] : "generation";
        var body = bodyName switch
        {
            "generation" => SeedBodies.SyncSucceeded,
            "queued" => SeedBodies.Running,
            _ => throw new ArgumentException($"No seed body named {bodyName}: generation or queued.", nameof(args)),
        };

        var readers = new List<(string Name, Func<object?> Read)>
        {
            ("Raw", () => JsonSerializer.Deserialize(body, RawJsonContext.Default.RawGeneration)),
            ("RawFull", () => JsonSerializer.Deserialize(body, RawFullJsonContext.Default.RawFullGeneration)),
            ("Sdk", SdkReader(typeof(GptImageHubClient).Assembly, body)),
        };
        foreach (var build in args.Skip(1))
        {
            var (name, path) = build.IndexOf('=', StringComparison.Ordinal) is > 0 and var at ? (build[..at], build[(at + 1)..]) : (build, build);

            // The build's own copy of the SDK; everything it references (System.Text.Json above all, so
            // that its JsonTypeInfo is this process's type) comes from the default context.
            var context = new AssemblyLoadContext(name);
            readers.Add((name, SdkReader(context.LoadFromAssemblyPath(Path.GetFullPath(path)), body)));
        }

        foreach (var (_, read) in readers)
        {
            var warming = Stopwatch.StartNew();
            while (warming.ElapsedMilliseconds < 1_000)
            {
                _ = read() ?? throw new InvalidOperationException("A reader returned null.");
            }
        }

        var times = readers.Select(_ => new double[Rounds]).ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            for (var reader = 0; reader < readers.Count; reader++)
            {
                var read = readers[reader].Read;
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < ReadsPerRound; i++)
                {
                    read();
                }

                times[reader][round] = clock.Elapsed.TotalNanoseconds / ReadsPerRound;
            }
        }

        Console.WriteLine($"The {bodyName} body ({body.Length} B) read {ReadsPerRound:N0} times a round; median of {Rounds} interleaved rounds, ratios per round.");
        for (var reader = 0; reader < readers.Count; reader++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            readers[reader].Read();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var toRaw = Median(Enumerable.Range(0, Rounds).Select(round => times[reader][round] / times[0][round]));
            var toSdk = Median(Enumerable.Range(0, Rounds).Select(round => times[reader][round] / times[2][round]));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{readers[reader].Name,-14} {Median(times[reader]),6:0} ns {allocated,6} B   x{toRaw:0.00} Raw   x{toSdk:0.00} Sdk"));
        }
    }

    private static Func<object?> SdkReader(Assembly sdk, byte[] body)
    {
        var contextType = sdk.GetType("GptImageHub.Sdk.Serialization.GptImageHubJsonContext", throwOnError: true)!;
        var context = contextType.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
        var typeInfo = (JsonTypeInfo)contextType.GetProperty("ImageGeneration")!.GetValue(context)!;
        return () => JsonSerializer.Deserialize(body, typeInfo);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
