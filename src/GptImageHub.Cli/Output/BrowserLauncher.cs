using System.Diagnostics;
using System.ComponentModel;

namespace GptImageHub.Cli.Output;

/// <summary>
/// <c>gih emulator --open</c>: hands the dashboard's address to the system's opener (xdg-open on
/// Linux, open on macOS, the shell on Windows). Where there is none (a server, a container) it says
/// so and the emulator keeps running: the address is printed anyway.
/// </summary>
internal static class BrowserLauncher
{
    private static readonly TimeSpan OpenerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Opens <paramref name="address"/> in a browser.</summary>
    /// <returns>Null when the opener accepted it; otherwise why nothing was opened, for the user.</returns>
    public static async Task<string?> TryOpenAsync(Uri address, Func<string, string?> getVariable, CancellationToken cancellationToken)
    {
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(address.AbsoluteUri) { UseShellExecute = true };
        }
        else
        {
            var name = OperatingSystem.IsMacOS() ? "open" : "xdg-open";
            if (Find(name, getVariable("PATH")) is not { } opener)
            {
                return $"No browser opener ({name}) was found on PATH; open {address} yourself.";
            }

            start = new ProcessStartInfo(opener, [address.AbsoluteUri])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null || start.UseShellExecute)
            {
                return null;
            }

            // xdg-open returns once the browser has the address; one that fails (no display) says so with its exit code.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(OpenerTimeout);
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(timeout.Token), process.StandardError.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await drain.ConfigureAwait(false);
            return process.ExitCode == 0
                ? null
                : $"{Path.GetFileName(start.FileName)} could not open a browser (exit code {process.ExitCode}); open {address} yourself.";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Still running after the timeout: some openers stay with the browser; it has the address.
            return null;
        }
        catch (Win32Exception ex)
        {
            return $"No browser could be started ({ex.Message}); open {address} yourself.";
        }
    }

    private static string? Find(string name, string? path)
    {
        foreach (var folder in (path ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
