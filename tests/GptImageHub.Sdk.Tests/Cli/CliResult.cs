using System.Text.Json;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>What one in-process run of gih left: its exit code and everything it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Standard output as the single JSON document <c>--json</c> promises, and nothing else.</summary>
    public JsonElement Json()
    {
        var lines = Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"Expected one JSON line on stdout but got:\n{Out}\nstderr:\n{Error}");
        using var document = JsonDocument.Parse(lines[0]);
        return document.RootElement.Clone();
    }

    /// <summary>The failure line on standard error, which must be exactly one line.</summary>
    public string ErrorLine()
    {
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"Expected one line on stderr but got:\n{Error}");
        Assert.StartsWith("gih: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
