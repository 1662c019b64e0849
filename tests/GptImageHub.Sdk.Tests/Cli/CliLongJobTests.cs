using System.Text.Json;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>Jobs that never finish on their own (an hour in the queue): timeouts and Ctrl+C.</summary>
public sealed class CliLongJobTests : CliTestBase
{
    private TimeSpan _pollingTimeout = TimeSpan.FromMinutes(1);

    protected override EmulatorOptions CreateEmulatorOptions() => new() { QueueDelay = TimeSpan.FromHours(1) };

    protected override void ConfigureClient(GptImageHubClientOptions options)
    {
        base.ConfigureClient(options);
        options.Polling.Timeout = _pollingTimeout;
    }

    [Fact]
    public async Task A_wait_that_times_out_exits_7_with_the_resume_hint()
    {
        _pollingTimeout = TimeSpan.FromMilliseconds(200);

        var result = await RunWithKeyAsync("generate", "endless", "--out", "pics");

        Assert.Equal(7, result.ExitCode);
        var id = ChargedGeneration();
        var line = result.ErrorLine();
        Assert.Contains("Gave up waiting", line, StringComparison.Ordinal);
        Assert.Contains($"Generation {id} keeps running on the service", line, StringComparison.Ordinal);
        Assert.EndsWith(
            $"resume with: gih wait {id} --out {Path.Combine(WorkingDirectory, "pics")} --base-url {Hub.BaseAddress} --api-key <your key> (or --api-key-env VARIABLE)",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_command_that_times_out_exits_7_with_json()
    {
        _pollingTimeout = TimeSpan.FromMilliseconds(100);
        var id = (await RunWithKeyAsync("generate", "endless", "--no-wait", "--json")).Json().GetProperty("id").GetString();

        var result = await RunWithKeyAsync("wait", id!, "--json");

        Assert.Equal(7, result.ExitCode);
        var error = result.Json().GetProperty("error");
        Assert.Equal("timeout", error.GetProperty("kind").GetString());
        Assert.Equal(id, error.GetProperty("generation_id").GetString());
    }

    [Fact]
    public async Task Ctrl_c_during_generate_exits_130_and_prints_how_to_resume()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(["generate", "endless", "--out", "pics", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: false, cancel.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("  queued", StringComparison.Ordinal), "the wait has started");

        await cancel.CancelAsync();
        var result = await run;

        Assert.Equal(130, result.ExitCode);
        var id = ChargedGeneration();
        Assert.Equal(
            $"gih: Cancelled. Generation {id} keeps running on the service; resume with: gih wait {id} --out {Path.Combine(WorkingDirectory, "pics")} --base-url {Hub.BaseAddress} --api-key <your key> (or --api-key-env VARIABLE)",
            result.ErrorLine());
    }

    [Fact]
    public async Task Ctrl_c_during_wait_json_exits_130_with_the_generation_id()
    {
        var id = (await RunWithKeyAsync("generate", "endless", "--no-wait", "--json")).Json().GetProperty("id").GetString();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));

        var result = await RunAsync(["wait", id!, "--json", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: false, cancel.Token);

        Assert.Equal(130, result.ExitCode);
        var error = result.Json().GetProperty("error");
        Assert.Equal("cancelled", error.GetProperty("kind").GetString());
        Assert.Equal(130, error.GetProperty("exit_code").GetInt32());
        Assert.Equal(id, error.GetProperty("generation_id").GetString());
        Assert.Contains($"resume with: gih wait {id}", result.ErrorLine(), StringComparison.Ordinal);
    }

    // Found by a hostile run: gih batch items that were submitted and paid for but not finished when the run ended (the SDK's
    // BatchItemStatus.Incomplete: a Ctrl+C, a wait that gave up, polls that kept failing). gih counted
    // them as "unknown" (the README's word for "submitted, id never received, possibly charged") and not as "not
    // finished", so a stop whose every item was paid and running said "gih: stopped: 0 items not finished"; a wait
    // that gave up exited 10 ("nothing failed") instead of the documented 7; and the item's line told a CLI user to
    // call the SDK's WaitForGenerationAsync.
    [Fact]
    public async Task Ctrl_c_with_every_item_paid_and_running_counts_them_not_finished_not_unknown()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["p1", "p2"]);
        var journal = Path.Combine(WorkingDirectory, "prompts.txt.journal.jsonl");
        string[] args = ["batch", "prompts.txt", "--json", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = RunAsync(args, terminal: false, cancel.Token);
        await WaitUntilAsync(() => CountSubmitted(journal) == 2, "both items are submitted");

        await cancel.CancelAsync();
        var stopped = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.Equal("gih: stopped: 2 items not finished; run the same command again to resume (journal: " + journal + ")", stopped.ErrorLine());
        var lines = JsonLines(stopped.Out);
        var summary = lines[^1].GetProperty("summary");
        Assert.Equal(0, summary.GetProperty("unknown").GetInt32());
        Assert.Equal(2, summary.GetProperty("not_finished").GetInt32());
        var paid = Hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.GenerationId!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(paid, lines[..^1].Select(l => l.GetProperty("generation_id").GetString()!).ToHashSet(StringComparer.Ordinal));
        Assert.All(lines[..^1], l => Assert.DoesNotContain("WaitForGenerationAsync", l.GetProperty("reason").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_whose_wait_gives_up_exits_7_names_the_paid_job_and_how_to_resume_it_with_gih()
    {
        _pollingTimeout = TimeSpan.FromMilliseconds(200);
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["endless"]);

        var result = await RunWithKeyAsync("batch", "prompts.txt", "--out", "pics");

        Assert.True(result.ExitCode == 7, result.ToString());
        var id = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
        Assert.Contains("Batch finished: 0 succeeded, 0 failed, 0 skipped, 0 unknown, 1 not finished of 1; 0 credits.", result.Out, StringComparison.Ordinal);
        var itemLine = Assert.Single(result.Out.Split('\n'), l => l.StartsWith("incomplete", StringComparison.Ordinal));
        Assert.Contains(id, itemLine, StringComparison.Ordinal);
        Assert.Contains($"gih wait {id} --out {Path.Combine(WorkingDirectory, "pics")}", itemLine, StringComparison.Ordinal);
        Assert.DoesNotContain("WaitForGenerationAsync", itemLine, StringComparison.Ordinal);
        Assert.StartsWith("gih: 1 of 1 items did not succeed (0 failed, 0 skipped, 0 unknown, 1 not finished)", result.ErrorLine(), StringComparison.Ordinal);
    }

    private static List<JsonElement> JsonLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static int CountSubmitted(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Count(line => line.Contains("\"submitted\"", StringComparison.Ordinal));
    }

    private string ChargedGeneration() => Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
}
