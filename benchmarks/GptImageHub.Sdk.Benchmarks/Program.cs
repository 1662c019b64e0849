using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GptImageHub.Sdk.Benchmarks.PerCall;
using Perfolizer.Horology;

namespace GptImageHub.Sdk.Benchmarks;

public static class Program
{
    private const string Usage = """
        GptImageHub.Sdk.Benchmarks MODE [--quick] [BenchmarkDotNet arguments]
          all          every part below, in order (with --quick: all in under 3 minutes)
          resolve      BenchmarkDotNet: resolving IGptImageHubClient in a DI scope, against a scope and a factory HttpClient
                       (--quick = ShortRun in process)
          percall      BenchmarkDotNet: per-call cost of SDK, raw HttpClient, Refit and OpenAI over a canned handler
                       (--quick = ShortRun in process; or pass BenchmarkDotNet's own, e.g. --job short, --filter *Credits*)
          loopback     requests per second over loopback against a minimal Kestrel server, 1 and 64 callers
          coldstart    process start to first parsed response, Native AOT vs JIT (publish the probe first)
          upload       allocation and peak working set of 16 x 50 MB reference images vs 16 x 1 MB
          batch        a 1,000-item batch (200 with --quick) against the emulator in a child process, 16 at once:
                       items per second, peak working set and allocation per item: a raw HttpClient floor, no
                       journal, the file journal, and with --postgres CONNECTION_STRING 1, 2 and 4 workers
          batch-scale  100,000 items (10,000 with --quick) over an in-process client with the file journal: peak
                       working set of the run, and the time to replay the finished journal
          verify       runs every per-call benchmark once and prints what it returned
          interleaved [OPS] [LIBS] [ROUNDS]  per-call time as the median of interleaved rounds, ratio to the first
                       library per round (defaults: every operation; Raw,Sdk,Refit; 21): steadier than separate runs
          alloc NAME [CALLS]   allocation by type for one per-call benchmark (BENCH_TIME=1: time instead)
          reader [generation|queued] [NAME=PATH ...]  the read alone (System.Text.Json over a seed body): Raw,
                       RawFull and this SDK, and other builds of GptImageHub.Sdk.dll side by side, interleaved
        """;

    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "percall";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        var quick = rest.Contains("--quick");
        switch (mode)
        {
            case "all":
                RunPerCall([], quick);
                await Loopback.ThroughputRun.RunAsync(quick).ConfigureAwait(false);
                await ColdStart.ColdStartRun.RunAsync(quick).ConfigureAwait(false);
                await Upload.UploadMemoryRun.RunAsync(quick).ConfigureAwait(false);
                await Batch.BatchThroughputRun.RunAsync(quick).ConfigureAwait(false);
                return 0;
            case "resolve":
                RunBenchmark<DependencyInjection.ClientResolutionBenchmarks>(rest.Where(a => a != "--quick").ToArray(), quick);
                return 0;
            case "percall":
                RunPerCall(rest.Where(a => a != "--quick").ToArray(), quick);
                return 0;
            case "loopback":
                await Loopback.ThroughputRun.RunAsync(quick).ConfigureAwait(false);
                return 0;
            case "coldstart":
                return await ColdStart.ColdStartRun.RunAsync(quick).ConfigureAwait(false);
            case "upload":
                await Upload.UploadMemoryRun.RunAsync(quick).ConfigureAwait(false);
                return 0;
            case "batch":
                var postgres = Array.IndexOf(rest, "--postgres") is >= 0 and var at && at + 1 < rest.Length ? rest[at + 1] : null;
                await Batch.BatchThroughputRun.RunAsync(quick, postgres).ConfigureAwait(false);
                return 0;
            case "batch-scale":
                await Batch.BatchScaleRun.RunAsync(quick).ConfigureAwait(false);
                return 0;
            case "batch-scale-run":
                await Batch.BatchScaleRun.RunOneAsync(rest).ConfigureAwait(false);
                return 0;
            case "batch-emulator":
                await Batch.BatchThroughputRun.ServeEmulatorAsync().ConfigureAwait(false);
                return 0;
            case "verify":
                await Verify.RunAsync().ConfigureAwait(false);
                return 0;
            case "reader":
                ReaderTiming.Run(rest);
                return 0;
            case "interleaved":
                await InterleavedTiming.RunAsync(rest.Where(a => a != "--quick").ToArray()).ConfigureAwait(false);
                return 0;
            case "alloc" when rest.Length > 0:
                await AllocationProfile.RunAsync(rest[0], rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 200_000).ConfigureAwait(false);
                return 0;

            // Child processes started by the modes above.
            case "serve":
                await Loopback.SeedServer.ServeAsync().ConfigureAwait(false);
                return 0;
            case "upload-client":
                await Upload.UploadMemoryRun.ClientAsync(new Uri(rest[0]), rest[1..]).ConfigureAwait(false);
                return 0;
            default:
                await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }

    private static void RunPerCall(string[] args, bool quick) => RunBenchmark<PerCallBenchmarks>(args, quick);

    private static void RunBenchmark<T>(string[] args, bool quick)
    {
        IConfig config = DefaultConfig.Instance;
        if (quick)
        {
            // In process, with short iterations: no host project to build per benchmark, which is
            // most of a short run's time. Allocation is exact either way; timings are rougher.
            config = config.AddJob(Job.ShortRun
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .AsDefault());
        }

        BenchmarkRunner.Run<T>(config, args);
    }
}
