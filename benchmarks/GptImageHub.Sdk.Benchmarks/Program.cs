using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GptImageHub.Sdk.Benchmarks.PerCall;

namespace GptImageHub.Sdk.Benchmarks;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "percall";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        var quick = rest.Contains("--quick");
        switch (mode)
        {
            case "percall":
                RunPerCall(rest.Where(a => a != "--quick").ToArray(), quick);
                return 0;
            case "verify":
                await Verify.RunAsync().ConfigureAwait(false);
                return 0;
            case "serve":
                await Loopback.SeedServer.ServeAsync().ConfigureAwait(false);
                return 0;
            case "loopback":
                await Loopback.ThroughputRun.RunAsync(quick).ConfigureAwait(false);
                return 0;
            case "upload":
                await Upload.UploadMemoryRun.RunAsync(quick).ConfigureAwait(false);
                return 0;
            case "upload-client":
                await Upload.UploadMemoryRun.ClientAsync(new Uri(rest[0]), rest[1..]).ConfigureAwait(false);
                return 0;
            case "coldstart":
                return await ColdStart.ColdStartRun.RunAsync(quick).ConfigureAwait(false);
            case "alloc":
                await AllocationProfile.RunAsync(rest[0], rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000).ConfigureAwait(false);
                return 0;
            default:
                await Console.Error.WriteLineAsync($"Unknown mode '{mode}'. Modes: percall, verify.").ConfigureAwait(false);
                return 2;
        }
    }

    private static void RunPerCall(string[] args, bool quick)
    {
        IConfig config = DefaultConfig.Instance;
        if (quick)
        {
            // In-process skips building a host project per benchmark, the longest part of a short run.
            config = config.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        }

        BenchmarkRunner.Run<PerCallBenchmarks>(config, args);
    }
}
