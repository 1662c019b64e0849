using System.Text.Json;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// <c>gih batch</c> whose items succeed but whose images cannot be written (<c>--out</c> turned into a file once the
/// batch has started: a folder that cannot be made at the start is refused before anything is paid). Each item's
/// line had its <c>gih download</c> command and the exit code was 1, but the summary counted nothing: "0 failed",
/// and "0 of 2 items did not succeed" on standard error, so a user reading only the end thought all was saved.
/// </summary>
public sealed class CliBatchNotSavedTests : CliTestBase
{
    // Long enough that the folder is swapped for a file before the first job finishes and its images are saved.
    protected override EmulatorOptions CreateEmulatorOptions() => new() { ProcessingDelay = TimeSpan.FromMilliseconds(500) };

    /// <summary>Runs gih, and once its first POST has reached the service, makes its <c>--out</c> folder a file.</summary>
    private async Task<CliResult> RunWithOutBlockedAsync(params string[] args)
    {
        var run = RunWithKeyAsync([.. args, "--out", "images"]);
        await WaitUntilAsync(() => Hub.Ledger.GenerationRequests.Count > 0, "the first POST has reached the service");
        var images = Path.Combine(WorkingDirectory, "images");
        Directory.Delete(images);
        File.WriteAllText(images, "a file, not a folder");
        return await run;
    }

    [Fact]
    public async Task Items_whose_images_were_not_saved_are_counted_in_the_summary_and_the_error_line()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["a red fox", "a blue whale"]);

        var result = await RunWithOutBlockedAsync("batch", "prompts.txt");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(2, result.Out.Split('\n').Count(l => l.Contains("images not saved", StringComparison.Ordinal) && l.Contains("gih download ", StringComparison.Ordinal)));
        Assert.Contains("Batch finished: 2 succeeded (2 with images not saved), 0 failed, 0 skipped, 0 unknown of 2; 16 credits.", result.Out, StringComparison.Ordinal);
        var line = result.ErrorLine();
        Assert.Contains("the images of 2 of 2 items were not saved", line, StringComparison.Ordinal);
        Assert.DoesNotContain("did not succeed", line, StringComparison.Ordinal);
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);
    }

    [Fact]
    public async Task With_json_the_summary_counts_the_items_not_saved_beside_the_skipped_ones()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["one", "two", "three"]);

        var result = await RunWithOutBlockedAsync("batch", "prompts.txt", "--budget", "16", "--concurrency", "1", "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var summary = JsonDocument.Parse(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(2, summary.GetProperty("not_saved").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Equal(1, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(1, summary.GetProperty("exit_code").GetInt32());
        var line = result.ErrorLine();
        Assert.StartsWith("gih: 1 of 3 items did not succeed (0 failed, 1 skipped, 0 unknown)", line, StringComparison.Ordinal);
        Assert.Contains("the images of 2 of 3 items were not saved", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rerun_with_a_writable_out_saves_the_images_without_a_new_request_and_exits_0()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["a red fox", "a blue whale"]);
        var first = await RunWithOutBlockedAsync("batch", "prompts.txt");

        var rerun = await RunWithKeyAsync("batch", "prompts.txt", "--out", "saved");

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("Batch finished: 2 succeeded, 0 failed, 0 skipped, 0 unknown of 2; 16 credits.", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(WorkingDirectory, "saved")).Length);
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);
    }
}
