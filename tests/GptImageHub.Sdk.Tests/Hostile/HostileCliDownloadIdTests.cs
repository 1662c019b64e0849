using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih download ID --out DIR</c> whose images cannot be written (DIR under a file, a full disk): the
/// failure line named neither the paid generation nor how to save it again, unlike generate and wait.
/// </summary>
public sealed class HostileCliDownloadIdTests : CliTestBase
{
    [Fact]
    public async Task A_download_that_cannot_write_names_the_generation_and_how_to_save_it()
    {
        var generated = await RunWithKeyAsync("generate", "a fox", "--json");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var id = generated.Json().GetProperty("id").GetString()!;
        File.WriteAllText(Path.Combine(WorkingDirectory, "blocker"), "a file, not a folder");

        var result = await RunWithKeyAsync("download", id, "--out", "blocker/images");

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains($"Generation {id}", line, StringComparison.Ordinal);
        Assert.Contains($"gih download {id} --out {Path.Combine(WorkingDirectory, "blocker", "images")}", line, StringComparison.Ordinal); // it has ended: nothing to wait for (HostileCliSaveFailureHintTests)
        Assert.Single(Hub.Ledger.GenerationRequests);
    }
}
