using System.Text.RegularExpressions;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A batch item left incomplete (paid for, not finished when the wait gave up or the batch stopped): its line named
/// the generation id three or four times ("paid for as generation X", the SDK's timeout message "Generation 'X' of
/// batch item ... run the batch again ...", "gih wait X", "(generation X)"). It now names it once, in the gih wait
/// command that resumes it, and keeps the advice to run the same command again.
/// </summary>
public sealed class HostileCliIncompleteLineTests : CliTestBase
{
    private TimeSpan _pollingTimeout = TimeSpan.FromMinutes(1);

    protected override EmulatorOptions CreateEmulatorOptions() => new() { QueueDelay = TimeSpan.FromHours(1) };

    protected override void ConfigureClient(GptImageHubClientOptions options)
    {
        base.ConfigureClient(options);
        options.Polling.Timeout = _pollingTimeout;
    }

    [Fact]
    public async Task An_item_whose_wait_gave_up_names_its_generation_once_in_the_resume_command()
    {
        _pollingTimeout = TimeSpan.FromMilliseconds(200);
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["endless"]);

        var result = await RunWithKeyAsync("batch", "prompts.txt", "--out", "pics");

        Assert.True(result.ExitCode == 7, result.ToString());
        var id = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
        var line = Assert.Single(result.Out.Split('\n'), l => l.StartsWith("incomplete", StringComparison.Ordinal));
        Assert.Equal(1, Regex.Count(line, Regex.Escape(id)));
        Assert.Contains("run the same command again", line, StringComparison.Ordinal);
        Assert.Contains($"gih wait {id} --out {Path.Combine(WorkingDirectory, "pics")}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_item_whose_wait_gave_up_names_its_generation_once_in_the_json_reason_too()
    {
        _pollingTimeout = TimeSpan.FromMilliseconds(200);
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["endless"]);

        var result = await RunWithKeyAsync("batch", "prompts.txt", "--out", "pics", "--json");

        var id = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
        using var item = System.Text.Json.JsonDocument.Parse(result.Out.Split('\n')[0]);
        Assert.Equal(id, item.RootElement.GetProperty("generation_id").GetString());
        var reason = item.RootElement.GetProperty("reason").GetString()!;
        Assert.Equal(1, Regex.Count(reason, Regex.Escape(id)));
        Assert.Contains("run the same command again", reason, StringComparison.Ordinal);
    }
}
