using System.Diagnostics;
using System.Text.RegularExpressions;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Emulator;

/// <summary>
/// <c>dotnet run --project src/GptImageHub.Emulator</c> prints two <c>export</c> lines; a client built
/// with no settings at all, in a shell where they were pasted, talks to that emulator.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed partial class EmulatorProgramExportTests
{
    [Fact]
    public async Task The_printed_export_lines_point_a_parameterless_client_at_the_emulator()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "GptImageHub.Emulator.exe" : "GptImageHub.Emulator"))
        {
            ArgumentList = { "--credits", "33" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            var printed = new List<string>();
            while (await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct) is { } line && line != "Press Ctrl+C to stop.")
            {
                printed.Add(line);
            }

            var exports = printed.Select(l => Export().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            Assert.Equal(["GPTIMAGEHUB_API_KEY", "GPTIMAGEHUB_BASE_URL"], exports.Keys.Order(StringComparer.Ordinal));
            Assert.DoesNotContain(printed, l => l.Contains("gih generate", StringComparison.Ordinal));

            using var environment = EnvironmentScope.Sdk(exports["GPTIMAGEHUB_API_KEY"], exports["GPTIMAGEHUB_BASE_URL"]);
            using var client = new GptImageHubClient();
            Assert.Equal(33, (await client.GetCreditsAsync(ct)).Credits);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(ct);
        }
    }

    [GeneratedRegex(@"^export (?<name>GPTIMAGEHUB_[A-Z_]+)=(?<value>\S+)$")]
    private static partial Regex Export();
}
