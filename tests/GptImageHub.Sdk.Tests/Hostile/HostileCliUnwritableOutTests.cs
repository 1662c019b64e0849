using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An <c>--out</c> folder that exists but takes no files (a read-only mount, a folder without write permission): gih
/// made the folder before submitting (it existed, so that passed), paid for the generation, and only then failed to
/// save, with "Generation X keeps running on the service; resume with: gih wait X --out" the same unwritable folder.
/// Now the folder is tried with a file before anything is submitted, and one that takes none is the usage error (exit
/// 2, nothing paid) the README promises. <c>/proc</c> is the folder no user, root included, can write a file into.
/// </summary>
public sealed class HostileCliUnwritableOutTests : CliTestBase
{
    [Theory]
    [InlineData("generate")]
    [InlineData("batch")]
    public async Task An_existing_folder_that_takes_no_files_is_refused_before_anything_is_paid(string command)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Directory.Exists("/proc/self"), "needs Linux's /proc");
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["p1"]);
        string[] what = command == "generate" ? ["generate", "a fox"] : ["batch", "prompts.txt"];

        var result = await RunWithKeyAsync([.. what, "--out", "/proc"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(Hub.Ledger.GenerationRequests);
        var line = result.ErrorLine();
        Assert.Contains("The images cannot be saved in '/proc'", line, StringComparison.Ordinal);
        Assert.Contains("nothing was submitted", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_write_check_leaves_nothing_in_the_folder()
    {
        var result = await RunWithKeyAsync("generate", "a fox", "--out", "pics");

        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "pics")));
        Assert.EndsWith("-1.png", file, StringComparison.Ordinal);
    }
}
