using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A generation that succeeded, whose images could not be saved (the CDN unreachable, a full disk, Ctrl+C during the
/// download): gih's failure line said "Generation X keeps running on the service; resume with: gih wait X", which is
/// false (it has ended; nothing runs) and, for <c>gih download</c>, sent the user from the command that failed to
/// another. Now the line says the generation succeeded and is paid for, and gives the <c>gih download</c> that saves it.
/// </summary>
public sealed class HostileCliSaveFailureHintTests : CliTestBase
{
    [Theory]
    [InlineData("generate")]
    [InlineData("wait")]
    [InlineData("download")]
    public async Task A_succeeded_generation_whose_images_were_not_saved_is_named_with_the_download_that_saves_them(string command)
    {
        var id = command == "generate" ? null : await SucceededGenerationAsync();
        Hub.Faults.DropNext(count: 10, endpoint: EmulatorEndpoint.DownloadImage);
        string[] what = command == "generate" ? ["generate", "a fox"] : [command, id!];

        var result = await RunWithKeyAsync([.. what, "--out", "pics"]);

        Assert.True(result.ExitCode == 8, result.ToString());
        id ??= Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
        var line = result.ErrorLine();
        Assert.Contains($"Generation {id} succeeded and is paid for; save its images with: gih download {id} --out {Path.Combine(WorkingDirectory, "pics")}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("keeps running", line, StringComparison.Ordinal);
    }

    private async Task<string> SucceededGenerationAsync()
    {
        var submitted = await RunWithKeyAsync("generate", "a fox", "--no-wait", "--json");
        var id = submitted.Json().GetProperty("id").GetString()!;
        var waited = await RunWithKeyAsync("wait", id);
        Assert.True(waited.ExitCode == 0, waited.ToString());
        return id;
    }
}
