using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Reflection;

namespace GptImageHub.Sdk.Benchmarks.PerCall;

/// <summary>
/// Which types one benchmark allocates: runs it many times under the runtime's allocation-tick
/// events (one sample per ~100 KB) and prints bytes per call by type. Samples, not a census, but
/// with enough calls every type the path allocates shows up in proportion.
/// </summary>
public static class AllocationProfile
{
    public static async Task RunAsync(string benchmark, int calls)
    {
        var method = typeof(PerCallBenchmarks).GetMethod(benchmark, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new ArgumentException($"No benchmark named {benchmark}.", nameof(benchmark));
        var benchmarks = new PerCallBenchmarks();
        benchmarks.Setup();
        for (var i = 0; i < 2000; i++)
        {
            await ((Task)method.Invoke(benchmarks, null)!).ConfigureAwait(false);
        }

        if (Environment.GetEnvironmentVariable("BENCH_TIME") == "1")
        {
            var best = double.MaxValue;
            for (var round = 0; round < 7; round++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                for (var i = 0; i < calls; i++)
                {
                    await ((Task)method.Invoke(benchmarks, null)!).ConfigureAwait(false);
                }

                best = Math.Min(best, clock.Elapsed.TotalNanoseconds / calls);
            }

            Console.WriteLine($"{benchmark}: best of 7 rounds {best:0} ns per call");
            return;
        }

        using var listener = new AllocationListener();
        var before = GC.GetTotalAllocatedBytes(true);
        for (var i = 0; i < calls; i++)
        {
            await ((Task)method.Invoke(benchmarks, null)!).ConfigureAwait(false);
        }

        var total = GC.GetTotalAllocatedBytes(true) - before;
        listener.Dispose();
        benchmarks.Cleanup();
        Console.WriteLine($"{benchmark}: {total / (double)calls:0} bytes per call (reflection invoke included)");
        var sampled = listener.Bytes.Values.Sum();
        foreach (var (type, bytes) in listener.Bytes.OrderByDescending(p => p.Value).Take(40))
        {
            Console.WriteLine($"{bytes / (double)sampled * total / calls,8:0} B  {type}");
        }
    }

    private sealed class AllocationListener : EventListener
    {
        public ConcurrentDictionary<string, long> Bytes { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                // GC keyword (0x1) at Verbose carries GCAllocationTick.
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && eventData.Payload is { } payload)
            {
                var type = payload[eventData.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
                var amount = Convert.ToInt64(payload[eventData.PayloadNames!.IndexOf("AllocationAmount")], System.Globalization.CultureInfo.InvariantCulture);
                Bytes.AddOrUpdate(type, amount, (_, b) => b + amount);
            }
        }
    }
}
