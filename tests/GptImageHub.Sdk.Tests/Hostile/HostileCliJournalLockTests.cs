using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih batch</c> whose journal could not be taken said "A file could not be written: ..." (exit 1): for a journal
/// another run holds, where nothing failed to be written, and for a journal in a folder that takes no file, which is a
/// setting to change (as an unusable <c>--out</c> is). Both now say that nothing was sent and what to do: wait or give
/// another <c>--journal</c> (exit 1), or give <c>--journal</c> a writable place (exit 2, a usage error).
/// </summary>
public sealed class HostileCliJournalLockTests : CliTestBase
{
    [Fact]
    public async Task A_journal_another_run_holds_says_nothing_was_sent_and_to_wait_or_give_another_journal()
    {
        var prompts = Path.Combine(WorkingDirectory, "prompts.txt");
        await File.WriteAllTextAsync(prompts, "a red fox\n", Ct);
        var journal = Path.Combine(WorkingDirectory, "run.jsonl");

        // What the other run's process holds: the journal's lock file, exclusively.
        using (new FileStream(journal + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1))
        {
            var result = await RunWithKeyAsync("batch", prompts, "--journal", journal);

            Assert.True(result.ExitCode == 1, result.ToString());
            var line = result.ErrorLine();
            Assert.DoesNotContain("could not be written", line, StringComparison.Ordinal);
            Assert.Contains("in use by another process", line, StringComparison.Ordinal);
            Assert.Contains("Nothing was sent: wait for that run to end, or give this one another --journal.", line, StringComparison.Ordinal);
        }

        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_journal_in_a_folder_that_takes_no_file_is_a_usage_error_that_names_journal()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc takes no file even for root only on Linux.");
        var prompts = Path.Combine(WorkingDirectory, "prompts.txt");
        await File.WriteAllTextAsync(prompts, "a red fox\n", Ct);

        var result = await RunWithKeyAsync("batch", prompts, "--journal", "/proc/gih-run.jsonl");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.DoesNotContain("could not be written", line, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent: give --journal a path in a folder you can write to.", line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }
}
