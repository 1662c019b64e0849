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
        Assert.Equal(url, document.RootElement.GetProperty("dashboard_url").GetString());
        Assert.NotEqual(url, document.RootElement.GetProperty("cdn_url").GetString());
        Assert.Equal(0, result.ExitCode);
        result.Json();
    }

    [Fact]
    public async Task Emulator_prints_the_dashboard_address_and_the_page_is_there()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(["emulator"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the emulator is ready");
        var url = Listening().Match(stdout.ToString()).Groups[1].Value;
        var dashboard = Dashboard().Match(stdout.ToString()).Groups[1].Value;

        using var http = new HttpClient();
        var page = await http.GetStringAsync(new Uri(dashboard), Ct);
        await stop.CancelAsync();
        await run;

        Assert.Equal(url, dashboard);
        Assert.Contains("<title>GPT Image Hub emulator</title>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_open_hands_the_dashboard_address_to_the_system_opener()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Windows opens addresses through the shell, not an opener on PATH");
            return;
        }
        var bin = Directory.CreateDirectory(Path.Combine(WorkingDirectory, "bin")).FullName;
        var received = Path.Combine(WorkingDirectory, "opened.txt");
        var opener = Path.Combine(bin, OperatingSystem.IsMacOS() ? "open" : "xdg-open");
        await File.WriteAllTextAsync(opener, $"#!/bin/sh\necho \"$1\" > '{received}'\n", Ct);
        File.SetUnixFileMode(opener, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        SetVariable("PATH", bin);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();

        var run = RunAsync(["emulator", "--open"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the emulator is ready");
        var dashboard = Dashboard().Match(stdout.ToString()).Groups[1].Value;
        await stop.CancelAsync();
        var result = await run;

        Assert.Equal(dashboard, (await File.ReadAllTextAsync(received, Ct)).Trim());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task Emulator_open_without_a_browser_says_so_and_keeps_serving()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows opens addresses through the shell, not an opener on PATH");
        SetVariable("PATH", Directory.CreateDirectory(Path.Combine(WorkingDirectory, "empty")).FullName);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();

        var run = RunAsync(["emulator", "--open"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the emulator is ready");
        var url = Listening().Match(stdout.ToString()).Groups[1].Value;
        var key = ApiKey().Match(stdout.ToString()).Groups[1].Value;
        var credits = await RunAsync("credits", "--json", "--base-url", url, "--api-key", key);
        await stop.CancelAsync();
        var result = await run;

        Assert.Equal(0, credits.ExitCode);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"No browser opener ({(OperatingSystem.IsMacOS() ? "open" : "xdg-open")}) was found on PATH; open {url} yourself.", result.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Dashboard: (\S+)")]
    private static partial Regex Dashboard();

    [GeneratedRegex(@"listening on (\S+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"API key \(\d+ credits\): (\S+)")]
    private static partial Regex ApiKey();
}
