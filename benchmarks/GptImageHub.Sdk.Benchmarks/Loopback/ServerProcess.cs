using System.Diagnostics;

namespace GptImageHub.Sdk.Benchmarks.Loopback;

/// <summary>
/// The seed server in a child process of this same program, so that its allocations, GCs and
/// working set stay out of the client's numbers.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync()
    {
        var process = Process.Start(SelfStartInfo("serve")) ?? throw new InvalidOperationException("The server process did not start.");
        var line = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false)
            ?? throw new InvalidOperationException("The server process ended before printing its address.");
        return new ServerProcess(process, new Uri(line.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/"));
    }

    /// <summary>How to start this program again with other arguments, whether it runs as an apphost or through <c>dotnet</c>.</summary>
    public static ProcessStartInfo SelfStartInfo(params string[] arguments)
    {
        var host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
