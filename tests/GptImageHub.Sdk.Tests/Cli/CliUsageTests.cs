using System.Text.RegularExpressions;
using GptImageHub.Cli;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>What a newcomer mistypes, and what gih says back: the option or line in the user's words, exit 2, no request.</summary>
public sealed partial class CliUsageTests : CliTestBase
{
    [Theory]
    [InlineData("generate --no-wiat", "--no-wiat", "--no-wait")]
    [InlineData("generate --qualty=4K", "--qualty=4K", "--quality")]
    [InlineData("get --jsn", "--jsn", "--json")]
    public async Task A_mistyped_option_exits_2_before_any_request_and_names_the_real_one(string commandLine, string typed, string meant)
    {
        var result = await RunWithKeyAsync(commandLine.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains($"Unknown option '{typed}'", line, StringComparison.Ordinal);
        Assert.Contains($"did you mean {meant}?", line, StringComparison.Ordinal);
        Assert.Contains("goes after '--'", line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task A_prompt_that_starts_with_a_dash_is_generated_when_it_follows_double_dash()
    {
        var result = await RunAsync("generate", "--out", "pics", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key, "--", "--no-wiat");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("--no-wiat", Assert.Single(Hub.Ledger.GenerationRequests).Prompt);
    }

    [Theory]
    [InlineData("generate|a fox|-n|abc", "-n expects a whole number, not 'abc'.")]
    [InlineData("batch|prompts.txt|--concurrency|many", "--concurrency expects a whole number, not 'many'.")]
    [InlineData("batch|prompts.txt|--budget|lots", "--budget expects a whole number, not 'lots'.")]
    public async Task A_word_where_a_number_belongs_is_named_without_dotnet_types(string commandLine, string expected)
    {
        var result = await RunWithKeyAsync(commandLine.Split('|'));

        Assert.Equal(2, result.ExitCode);
        var line = result.ErrorLine();
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("`1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_to_a_remote_host_says_to_use_https_without_sdk_option_names()
    {
        var result = await RunAsync("credits", "--base-url", "http://example.com/", "--api-key", Key);

        Assert.Equal(2, result.ExitCode);
        var line = result.ErrorLine();
        Assert.Contains("https://", line, StringComparison.Ordinal);
        Assert.Contains("--base-url", line, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowInsecureHttp", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_help_lists_no_key_or_address_options_and_refuses_them()
    {
        var help = await RunAsync("emulator", "--help");
        var withKey = await RunAsync("emulator", "--api-key", "gih_live_x");

        Assert.Equal(0, help.ExitCode);
        Assert.DoesNotContain("--api-key", help.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("--base-url", help.Out, StringComparison.Ordinal);
        Assert.Equal(2, withKey.ExitCode);
    }

    [Fact]
    public async Task Generate_help_offers_the_price_tiers_the_models_list_for_quality()
    {
        var help = await RunAsync("generate", "--help");

        Assert.Contains("1K, 2K or 4K", help.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("auto, low, medium, high, or", help.Out, StringComparison.Ordinal);
        Assert.Contains("--api-key-env", help.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api_key", "apiKey")]
    [InlineData("base-url", "baseUrl")]
    public async Task A_config_file_setting_gih_does_not_know_exits_2_naming_it(string written, string meant)
    {
        var folder = Directory.CreateDirectory(Path.Combine(WorkingDirectory, ".config", "gih"));
        File.WriteAllText(Path.Combine(folder.FullName, "config.json"), $$"""{"{{written}}": "x"}""");

        var result = await RunAsync("credits");

        Assert.Equal(2, result.ExitCode);
        var line = result.ErrorLine();
        Assert.Contains($"\"{written}\"", line, StringComparison.Ordinal);
        Assert.Contains($"did you mean \"{meant}\"?", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_prints_export_lines_that_point_gih_at_it_and_its_try_line_works()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(["emulator", "--credits", "50"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the emulator is ready");
        var printed = stdout.ToString();
        foreach (Match export in ExportLine().Matches(printed))
        {
            SetVariable(export.Groups["name"].Value, export.Groups["value"].Value);
        }

        var tryLine = TryLine().Match(printed).Groups["args"].Value;
        var credits = await RunAsync("credits", "--json");
        var generated = await RunAsync("generate", "a red fox", "--out", "pics");
        await stop.CancelAsync();
        await run;

        Assert.Equal(2, ExportLine().Count(printed));
        Assert.Equal("generate \"a red fox\"", tryLine);
        Assert.Equal(50, credits.Json().GetProperty("credits").GetInt64());
        Assert.True(generated.ExitCode == 0, generated.ToString());
    }

    [Fact]
    public async Task Emulator_started_from_a_clone_suggests_the_command_that_runs_there()
    {
        CommandName = CliEnvironment.FromSourceCommandName;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(["emulator"], terminal: false, stop.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the emulator is ready");
        await stop.CancelAsync();
        await run;

        Assert.Contains("Then try: dotnet run --project src/GptImageHub.Cli -- generate \"a red fox\"", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Try: gih", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/usr/local/bin/gih", "gih")]
    [InlineData("/home/me/.dotnet/tools/gih", "gih")]
    [InlineData("/repo/src/GptImageHub.Cli/bin/Debug/net10.0/GptImageHub.Cli", "dotnet run --project src/GptImageHub.Cli --")]
    public void The_command_name_follows_how_the_process_was_started(string processPath, string expected) =>
        Assert.Equal(expected, CliEnvironment.CommandNameOf(processPath));

    [GeneratedRegex(@"^export (?<name>GPTIMAGEHUB_[A-Z_]+)=(?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();

    [GeneratedRegex(@"^Then try: gih (?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex TryLine();
}
