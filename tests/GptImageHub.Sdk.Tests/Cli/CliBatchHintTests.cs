using System.Text.RegularExpressions;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>What <c>gih batch</c> tells the user after a run: what to change, and counts that match the summary.</summary>
public sealed partial class CliBatchHintTests : CliTestBase
{
    protected override EmulatorOptions CreateEmulatorOptions() => new() { ProcessingDelay = TimeSpan.FromMilliseconds(30) };

    [Fact]
    public async Task The_budget_hint_says_to_raise_the_budget_and_doing_so_submits_the_skipped_items()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["one", "two", "three"]);

        var first = await RunWithKeyAsync("batch", "prompts.txt", "--budget", "16", "--concurrency", "1");
        var again = await RunWithKeyAsync("batch", "prompts.txt", "--budget", "16", "--concurrency", "1");
        var raised = await RunWithKeyAsync("batch", "prompts.txt", "--budget", "24", "--concurrency", "1");

        Assert.True(first.ExitCode == 10, first.ToString());
        Assert.Contains("run the same command with a --budget above 16", first.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("run the same command again", first.ErrorLine(), StringComparison.Ordinal);
        Assert.Equal(10, again.ExitCode);
        Assert.True(raised.ExitCode == 0, raised.ToString());
        Assert.Equal(3, Hub.Ledger.GenerationRequests.Count);
    }

    [Fact]
    public async Task On_a_terminal_the_live_line_ends_on_the_final_counts()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["one", "two", "three", "four", "five", "six"]);

        var result = await RunAsync(["batch", "prompts.txt", "--concurrency", "2", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: true, Ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        var counts = Done().Matches(result.Out).Select(m => m.Value).ToList();
        Assert.NotEmpty(counts);
        Assert.Equal("done 6/6", counts[^1]);
        Assert.Contains("Batch finished: 6 succeeded", result.Out, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"done \d+/\d+")]
    private static partial Regex Done();
}
