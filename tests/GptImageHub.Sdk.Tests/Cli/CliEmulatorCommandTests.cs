using System.Text.Json;
using System.Text.RegularExpressions;

namespace GptImageHub.Sdk.Tests.Cli;

public sealed partial class CliEmulatorCommandTests : CliTestBase
{
    [Fact]
    public async Task Emulator_prints_its_url_and_a_ready_key_and_serves_until_cancelled()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(["emulator", "--credits", "42"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the emulator is ready");
        var url = Listening().Match(stdout.ToString()).Groups[1].Value;
        var key = ApiKey().Match(stdout.ToString()).Groups[1].Value;

        var credits = await RunAsync("credits", "--json", "--base-url", url, "--api-key", key);
        var generated = await RunAsync("generate", "a red fox", "--out", "pics", "--base-url", url, "--api-key", key);
        await stop.CancelAsync();
        var result = await run;

        Assert.Equal(42, credits.Json().GetProperty("credits").GetInt64());
        Assert.Equal(0, generated.ExitCode);
        AssertPng(Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "pics"))));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Emulator stopped.", result.Out, StringComparison.Ordinal);
        Assert.Equal(8, (await RunAsync("credits", "--base-url", url, "--api-key", key)).ExitCode);
    }

    [Fact]
    public async Task Emulator_json_prints_one_document_with_url_key_and_credits()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(["emulator", "--json"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().EndsWith('\n'), "the emulator is ready");
        using var document = JsonDocument.Parse(stdout.ToString());
        var url = document.RootElement.GetProperty("base_url").GetString()!;
        var key = document.RootElement.GetProperty("api_key").GetString()!;

        var credits = await RunAsync("credits", "--json", "--base-url", url, "--api-key", key);
        await stop.CancelAsync();
        var result = await run;

        Assert.Equal(1000, document.RootElement.GetProperty("credits").GetInt64());
        Assert.Equal(1000, credits.Json().GetProperty("credits").GetInt64());
        Assert.Equal(0, result.ExitCode);
        result.Json();
    }

    [GeneratedRegex(@"listening on (\S+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"API key \(\d+ credits\): (\S+)")]
    private static partial Regex ApiKey();
}
