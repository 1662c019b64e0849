using System.Diagnostics;
using System.Globalization;
using GptImageHub.Sdk.Benchmarks.Loopback;

namespace GptImageHub.Sdk.Benchmarks.ColdStart;

/// <summary>
/// Time from process start to the first parsed response: runs the published cold-start probe
/// (Native AOT and JIT builds) against the seed server on loopback, alternately, and reports the
/// median wall time from spawn to exit. The probe exits as soon as it has parsed the answer.
/// </summary>
public static class ColdStartRun
{
    public static async Task<int> RunAsync(bool quick)
    {
        var root = RepositoryRoot();
        var builds = new (string Name, string Path)[]
        {
            ("Native AOT", System.IO.Path.Combine(root, "artifacts", "coldstart", "aot", "GptImageHub.Sdk.ColdStart")),
            ("JIT", System.IO.Path.Combine(root, "artifacts", "coldstart", "jit", "GptImageHub.Sdk.ColdStart")),
        };
        if (builds.Any(b => !File.Exists(b.Path)))
        {
            Console.Error.WriteLine("Publish the probe first (from the repository root):");
            Console.Error.WriteLine("  dotnet publish benchmarks/GptImageHub.Sdk.ColdStart -c Release -r linux-x64 -o artifacts/coldstart/aot");
            Console.Error.WriteLine("  dotnet publish benchmarks/GptImageHub.Sdk.ColdStart -c Release -r linux-x64 -p:PublishAot=false --self-contained false -o artifacts/coldstart/jit");
            return 1;
        }

        var runs = quick ? 7 : 31;
        using var server = await ServerProcess.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"Probe: one GetCreditsAsync against the seed server at {server.Address}; {runs} runs of each build, alternating, after 3 warm-up runs each (disk cache).");
        foreach (var build in builds)
        {
            for (var i = 0; i < 3; i++)
            {
                await RunOnceAsync(build.Path, server.Address).ConfigureAwait(false);
            }
        }

        var samples = builds.ToDictionary(b => b.Name, _ => new List<double>());
        for (var i = 0; i < runs; i++)
        {
            foreach (var build in i % 2 == 0 ? builds : builds.Reverse())
            {
                samples[build.Name].Add(await RunOnceAsync(build.Path, server.Address).ConfigureAwait(false));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Build | Median | Min | Max | Binary |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var build in builds)
        {
            var sorted = samples[build.Name].Order().ToList();
            var size = new FileInfo(build.Path).Length + (build.Name == "JIT" ? new FileInfo(System.IO.Path.ChangeExtension(build.Path, ".dll")).Length + new FileInfo(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(build.Path)!, "GptImageHub.Sdk.dll")).Length : 0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {build.Name} | {sorted[sorted.Count / 2]:0.0} ms | {sorted[0]:0.0} ms | {sorted[^1]:0.0} ms | {size / (1024.0 * 1024.0):0.0} MiB{(build.Name == "JIT" ? " + shared runtime" : "")} |"));
        }

        return 0;
    }

    private static async Task<double> RunOnceAsync(string path, Uri address)
    {
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(address.ToString());
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{path} did not start.");
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0 || output.Trim() != "112")
        {
            throw new InvalidOperationException($"{path} exited with {process.ExitCode} and printed '{output.Trim()}'.");
        }

        return elapsed;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "GptImageHub.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository: the probe's published builds are found from GptImageHub.Sdk.sln.");
    }
}
