using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Ctrl+C while <c>gih batch</c> downloads an item's images. The download's cancellation ended the loop that
/// reads the results, so nothing more was printed: neither the item being saved nor the jobs still in flight,
/// each paid for and named by its result. The stopped run's output named no generation at all.
/// </summary>
public sealed class HostileCliStopDuringSaveTests : CliTestBase
{
    protected override EmulatorOptions CreateEmulatorOptions() => new() { ProcessingDelay = TimeSpan.FromMilliseconds(60) };

    [Fact]
    public async Task Ctrl_c_while_images_download_still_prints_every_paid_generation_id_and_a_rerun_posts_nothing_again()
    {
        var prompts = Enumerable.Range(1, 6).Select(i => $"p{i}").ToArray();
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), prompts);
        var journal = Path.Combine(WorkingDirectory, "prompts.txt.journal.jsonl");
        string[] args = ["batch", "prompts.txt", "--concurrency", "3", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];

        // Every download hangs, so the first item to succeed is still being saved when Ctrl+C lands.
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(30), count: 1000, endpoint: EmulatorEndpoint.DownloadImage);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = RunAsync(args, terminal: false, cancel.Token);
        await WaitUntilAsync(() => ReadShared(journal).Contains("\"succeeded\"", StringComparison.Ordinal), "an item has succeeded");

        // The other jobs stay in flight: their polls hang too.
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(30), count: 1000, endpoint: EmulatorEndpoint.GetGeneration);
        await cancel.CancelAsync();
        var stopped = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Hub.Faults.Clear();

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        var paid = Hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.GenerationId!).ToList();
        Assert.NotEmpty(paid);
        Assert.All(paid, id => Assert.True(stopped.Out.Contains(id, StringComparison.Ordinal), $"{id} is not named:\n{stopped}"));

        var resumed = await RunAsync(args, terminal: false, Ct);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.All(prompts, p => Assert.Equal(1, Hub.Ledger.CountGenerationRequests(p)));
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
