using System.Diagnostics;

namespace GptImageHub.Sdk.Tests.Emulator;

/// <summary>An emulator hosted in another program leaves that program's signals alone.</summary>
public sealed class EmulatorSignalTests
{
    [Fact]
    public async Task A_process_that_hosts_the_emulator_in_process_is_still_ended_by_SIGTERM_with_exit_code_143()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "POSIX signals");
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "GptImageHub.Sdk.Tests.EmulatorChild.dll") },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
            Assert.StartsWith("ready http://127.0.0.1:", ready, StringComparison.Ordinal);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
            }

            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(15), ct);
            Assert.Equal(143, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(ct);
            }
        }
    }
}
