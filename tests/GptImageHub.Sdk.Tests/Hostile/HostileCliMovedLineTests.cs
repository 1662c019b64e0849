using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A plain line's key is its line number. A comment or a blank line added above finished lines gave each a new
/// key the journal had never seen, so the rerun took them for new items and paid for every one again, silently.
/// </summary>
public sealed class HostileCliMovedLineTests : CliTestBase
{
    [Fact]
    public async Task A_rerun_after_lines_moved_in_the_file_posts_nothing_again_and_names_the_lines()
    {
        var file = Path.Combine(WorkingDirectory, "prompts.txt");
        File.WriteAllLines(file, ["alpha", "beta"]);
        var first = await RunWithKeyAsync("batch", "prompts.txt");
        Assert.True(first.ExitCode == 0, first.ToString());

        File.WriteAllLines(file, ["# product shots", "", "alpha", "beta", "gamma"]);
        var second = await RunWithKeyAsync("batch", "prompts.txt");

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains("'line-3' has the same request as item 'line-1'", second.ErrorLine(), StringComparison.Ordinal);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests("alpha"));
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests("beta"));
        Assert.Equal(0, Hub.Ledger.CountGenerationRequests("gamma"));
    }

    [Fact]
    public async Task The_same_prompt_on_two_new_lines_of_one_run_is_still_two_items()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["alpha", "alpha"]);

        var result = await RunWithKeyAsync("batch", "prompts.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, Hub.Ledger.CountGenerationRequests("alpha"));
    }
}
