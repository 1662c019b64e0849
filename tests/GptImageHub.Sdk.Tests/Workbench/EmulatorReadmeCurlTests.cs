using System.Diagnostics;
using System.Text.RegularExpressions;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Documentation;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>The emulator README's shell example, run as written with curl against a live emulator: a script in any language can create a key and inject a fault.</summary>
public sealed partial class EmulatorReadmeCurlTests
{
    private static readonly string Readme = Path.Combine(ReadmeCodeBlocks.RepositoryRoot, "src", "GptImageHub.Emulator", "README.md");

    [Fact]
    public async Task The_README_curl_example_creates_a_key_injects_process_then_fail_and_reads_the_possibly_charged_request()
    {
        var curl = new[] { "/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl" }.FirstOrDefault(File.Exists);
        Assert.SkipWhen(curl is null || !File.Exists("/bin/sh"), "no curl or /bin/sh on this machine (apt-get install curl)");
        var ct = TestContext.Current.CancellationToken;
        var script = ShellBlock().Match(await File.ReadAllTextAsync(Readme, ct)).Groups[1].Value;
        Assert.Contains("EMULATOR=http://127.0.0.1:8080\n", script, StringComparison.Ordinal);
        await using var hub = await GptImageHubEmulator.StartAsync(cancellationToken: ct);
        script = "set -e\n" + script.Replace("EMULATOR=http://127.0.0.1:8080", "EMULATOR=" + hub.BaseAddress.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);

        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = Path.GetDirectoryName(curl) + ":/usr/bin:/bin";
        using var shell = Process.Start(start)!;
        var stdout = shell.StandardOutput.ReadToEndAsync(ct);
        var stderr = shell.StandardError.ReadToEndAsync(ct);
        await shell.WaitForExitAsync(ct);

        Assert.True(shell.ExitCode == 0, $"exit {shell.ExitCode}\n{await stdout}\n{await stderr}");
        var output = await stdout;
        Assert.Contains("}502\n{\"data\":", output, StringComparison.Ordinal);
        Assert.Contains("\"possibly_charged\":true", output, StringComparison.Ordinal);
        var charge = Assert.Single(hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge);
        Assert.Equal((8, 92), (charge.Credits, charge.BalanceAfter));
        Assert.Equal(0, hub.Faults.PendingCount);
    }

    [GeneratedRegex("```sh\n(.*?_emulator/v1/keys.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
