using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An <c>--out</c> that cannot be a folder (a file of that name, or a folder below one): gih paid for the generation and
/// only then failed to save its images, so the user paid for images they did not get where they asked. The folder is now
/// made before anything is submitted, and a folder that cannot be made is a usage error that costs nothing.
/// </summary>
public sealed class HostileCliOutFolderTests : CliTestBase
{
    [Theory]
    [InlineData("generate", "taken")]
    [InlineData("generate", "taken/below")]
    [InlineData("batch", "taken")]
    [InlineData("batch", "taken/below")]
    public async Task An_out_folder_that_cannot_be_made_is_refused_before_anything_is_paid(string command, string outFolder)
    {
        File.WriteAllText(Path.Combine(WorkingDirectory, "taken"), "a file, not a folder");
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["p1", "p2"]);
        string[] what = command == "generate" ? ["generate", "a fox"] : ["batch", "prompts.txt"];

        var result = await RunWithKeyAsync([.. what, "--out", outFolder]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(Hub.Ledger.GenerationRequests);
        var line = result.ErrorLine();
        Assert.Contains($"The images cannot be saved in '{Path.Combine(WorkingDirectory, outFolder)}'", line, StringComparison.Ordinal);
        Assert.Contains("nothing was submitted", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_wait_needs_no_out_folder_and_makes_none()
    {
        var result = await RunWithKeyAsync("generate", "a fox", "--no-wait", "--out", "later");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(Directory.Exists(Path.Combine(WorkingDirectory, "later")));
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    /// <summary>A run refused for a missing key leaves no empty folder behind: the folder is made once gih can connect.</summary>
    [Theory]
    [InlineData("generate")]
    [InlineData("batch")]
    public async Task A_run_without_a_key_makes_no_out_folder(string command)
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["p1"]);
        string[] what = command == "generate" ? ["generate", "a fox"] : ["batch", "prompts.txt"];

        var result = await RunAsync([.. what, "--out", "fresh", "--base-url", Hub.BaseAddress.ToString()]);

        Assert.True(result.ExitCode == 3, result.ToString()); // auth: no key
        Assert.False(Directory.Exists(Path.Combine(WorkingDirectory, "fresh")));
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }
}
