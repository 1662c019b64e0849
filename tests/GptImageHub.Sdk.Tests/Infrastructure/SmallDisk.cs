using System.Diagnostics;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>A tiny tmpfs mounted over a folder, to make a real "no space left on device" (or a read-only folder). Needs root.</summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly string _path;

    private SmallDisk(string path) => _path = path;

    public static SmallDisk? TryMount(string path, string size, bool readOnly = false)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var options = $"size={size}" + (readOnly ? ",ro" : string.Empty);
        return Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path) ? new SmallDisk(path) : null;
    }

    public void Dispose() => Run("umount", "-l", _path);

    private static bool Run(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
