using System.Text.Json;
using System.Text.RegularExpressions;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// <c>gih batch FILE</c> against the emulator. Jobs take a little processing time, so that a batch
/// is still running when a test presses Ctrl+C.
/// </summary>
public sealed class CliBatchTests : CliTestBase
{
    protected override EmulatorOptions CreateEmulatorOptions() => new() { ProcessingDelay = TimeSpan.FromMilliseconds(60) };

    [Fact]
    public async Task A_prompt_per_line_file_succeeds_saves_pngs_and_journals_beside_the_file()
    {
        var file = WriteFile("prompts.txt", "# product shots", "", "a red fox", "a blue whale", "   ", "a green frog");

        var result = await RunWithKeyAsync("batch", "prompts.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Error);
        Assert.Equal(["a blue whale", "a green frog", "a red fox"], Hub.Ledger.GenerationRequests.Select(r => r.Prompt!).Order(StringComparer.Ordinal));
        var files = Directory.GetFiles(Path.Combine(WorkingDirectory, "output"));
        Assert.Equal(3, files.Length);
        Assert.All(files, f => AssertPng(f));
        Assert.True(File.Exists(file + ".journal.jsonl"));
        foreach (var key in new[] { "line-3", "line-4", "line-6" })
        {
            Assert.Matches($@"(?m)^succeeded  {key}  generation c[a-z0-9]+, 8 credits, saved {Regex.Escape(WorkingDirectory)}\S+\.png$", result.Out);
        }

        Assert.Contains("Batch finished: 3 succeeded, 0 failed, 0 skipped, 0 unknown of 3; 24 credits.", result.Out, StringComparison.Ordinal);
        Assert.Equal(76, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Json_lines_send_each_items_fields_and_print_one_object_per_item_then_the_summary()
    {
        WriteFile(
            "items.jsonl",
            """{"key":"sku-1","prompt":"two foxes","model":"nanobanana2","n":2}""",
            """{"prompt":"a wide whale","model":"gpt-image-2","quality":"2K","aspect_ratio":"16:9"}""",
            "a plain frog");

        var result = await RunWithKeyAsync("batch", "items.jsonl", "--model", "nanobanana", "--out", "pics", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Error);
        var requests = Hub.Ledger.GenerationRequests.ToDictionary(r => r.Prompt!, StringComparer.Ordinal);
        Assert.Equal(("nanobanana2", 2), (requests["two foxes"].Model, requests["two foxes"].N));
        Assert.Equal(("gpt-image-2", (int?)null), (requests["a wide whale"].Model, requests["a wide whale"].N));
        Assert.Equal("nanobanana", requests["a plain frog"].Model);

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(4, lines.Count);
        var items = lines[..3].ToDictionary(l => l.GetProperty("key").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["line-2", "line-3", "sku-1"], items.Keys.Order(StringComparer.Ordinal));
        var sku = items["sku-1"];
        Assert.Equal("succeeded", sku.GetProperty("status").GetString());
        Assert.StartsWith("c", sku.GetProperty("generation_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(12, sku.GetProperty("credits").GetInt32());
        Assert.Equal(JsonValueKind.Null, sku.GetProperty("reason").ValueKind);
        Assert.False(sku.GetProperty("from_journal").GetBoolean());
        var skuFiles = sku.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(2, skuFiles.Count);
        Assert.All(skuFiles, f => Assert.StartsWith(Path.Combine(WorkingDirectory, "pics"), f, StringComparison.Ordinal));
        Assert.All(skuFiles, f => AssertPng(f));
        Assert.Equal(10, items["line-2"].GetProperty("credits").GetInt32());
        Assert.Equal(4, items["line-3"].GetProperty("credits").GetInt32());

        var summary = lines[3].GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("total").GetInt32());
        Assert.Equal(3, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Equal(0, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(0, summary.GetProperty("unknown").GetInt32());
        Assert.Equal(0, summary.GetProperty("not_finished").GetInt32());
        Assert.Equal(26, summary.GetProperty("credits").GetInt64());
        Assert.Equal(Path.Combine(WorkingDirectory, "items.jsonl.journal.jsonl"), summary.GetProperty("journal").GetString());
        Assert.Equal(Path.Combine(WorkingDirectory, "pics"), summary.GetProperty("out").GetString());
        Assert.Equal(0, summary.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_budget_leaves_items_skipped_and_exits_10()
    {
        WriteFile("prompts.txt", "one", "two", "three");

        var result = await RunWithKeyAsync("batch", "prompts.txt", "--budget", "16", "--concurrency", "1", "--json");

        Assert.True(result.ExitCode == 10, result.ToString());
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var skipped = Assert.Single(lines, l => l.TryGetProperty("status", out var s) && s.GetString() == "skipped");
        Assert.Equal("line-3", skipped.GetProperty("key").GetString());
        Assert.Contains("past its budget of 16", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var summary = lines[^1].GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(16, summary.GetProperty("credits").GetInt64());
        Assert.Equal(10, summary.GetProperty("exit_code").GetInt32());
        Assert.StartsWith("gih: 1 of 3 items did not succeed (0 failed, 1 skipped, 0 unknown)", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"prompt":"x","n":9}""", "\"n\" must be 1 to 4")]
    [InlineData("""{"prompt":"x","qualty":"high"}""", "unknown field \"qualty\"; a line may have \"key\", \"prompt\", \"model\", \"size\", \"quality\", \"aspect_ratio\" and \"n\".")]
    [InlineData("""{"prompt":"x",""", "not a valid JSON object")]
    [InlineData("""{"prompt":"x","n":"two"}""", "\"n\" must be a whole number, 1 to 4, not \"two\".")]
    [InlineData("""{"prompt":"x","quality":4}""", "\"quality\" must be a string in quotes, not 4.")]
    [InlineData("""{"model":"gpt-image-2"}""", "\"prompt\" is missing or empty")]
    [InlineData("""{"key":"line-1","prompt":"x"}""", "the key 'line-1' is already used on line 1")]
    public async Task A_bad_line_exits_2_with_its_line_number_before_any_request(string badLine, string problem)
    {
        WriteFile("prompts.txt", "fine prompt", "# a comment", badLine, "another");

        var result = await RunWithKeyAsync("batch", "prompts.txt");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.StartsWith("gih: prompts.txt line 3: ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        Assert.DoesNotContain(".NET", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("GptImageHub.", line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.False(File.Exists(Path.Combine(WorkingDirectory, "prompts.txt.journal.jsonl")));
    }

    [Fact]
    public async Task A_missing_file_exits_2()
    {
        var result = await RunWithKeyAsync("batch", "nope.txt");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gih: The batch file 'nope.txt' does not exist.", result.ErrorLine());
    }

    [Fact]
    public async Task A_rerun_with_the_same_journal_sends_nothing_and_exits_0()
    {
        WriteFile("prompts.txt", "alpha", "beta");
        var journal = Path.Combine(WorkingDirectory, "runs", "batch.jsonl");
        var first = await RunWithKeyAsync("batch", "prompts.txt", "--journal", "runs/batch.jsonl");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(File.Exists(journal));
        var requests = Hub.Ledger.GenerationRequests.Count;

        var second = await RunWithKeyAsync("batch", "prompts.txt", "--journal", "runs/batch.jsonl", "--json");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(requests, Hub.Ledger.GenerationRequests.Count);
        var items = second.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1].Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.True(i.GetProperty("from_journal").GetBoolean()));
        Assert.All(items, i => Assert.Equal("succeeded", i.GetProperty("status").GetString()));
        Assert.All(items, i => AssertPng(Assert.Single(i.GetProperty("files").EnumerateArray()).GetString()!));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(WorkingDirectory, "output")).Length);
    }

    [Fact]
    public async Task Ctrl_c_exits_130_with_the_resume_message_and_a_rerun_posts_each_prompt_once()
    {
        // Enough prompts that the polls are held (below) long before all could be posted, even when a loaded
        // machine lets many finish between the first one and the hold (8 were not enough in a CI run).
        var prompts = Enumerable.Range(1, 24).Select(i => $"p{i}").ToArray();
        var file = WriteFile("prompts.txt", prompts);
        string[] args = ["batch", "prompts.txt", "--concurrency", "2", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Hub.CreateApiKey(credits: 1000)];
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(args, terminal: false, cancel.Token, stdout);
        await WaitUntilAsync(() => stdout.ToString().Contains("succeeded  line-", StringComparison.Ordinal), "the first item has finished");

        // From here on no job can finish (its polls are held), so no slot frees up for a new submit while
        // the Ctrl+C is on its way; without this, a loaded machine let all eight through before it landed.
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(30), count: 1000, endpoint: EmulatorEndpoint.GetGeneration);
        var postedAtHold = Hub.Ledger.GenerationRequests.Count;
        await cancel.CancelAsync();
        var stopped = await run;
        Hub.Faults.Clear();

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        var match = Regex.Match(stopped.ErrorLine(), @"^gih: stopped: (\d+) items not finished; run the same command again to resume \(journal: (.+)\)$");
        Assert.True(match.Success, stopped.ErrorLine());
        Assert.InRange(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, prompts.Length - 1);
        Assert.Equal(file + ".journal.jsonl", match.Groups[2].Value);
        Assert.Contains("Batch stopped: ", stopped.Out, StringComparison.Ordinal);
        // At most the two submits that already held a slot when the polls were held may still arrive.
        Assert.InRange(Hub.Ledger.GenerationRequests.Count, postedAtHold, Math.Min(postedAtHold + 2, prompts.Length - 1));

        var resumed = await RunAsync(args, terminal: false, Ct);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.All(prompts, p => Assert.Equal(1, Hub.Ledger.CountGenerationRequests(p)));
        Assert.Contains($"Batch finished: {prompts.Length} succeeded, 0 failed, 0 skipped, 0 unknown of {prompts.Length}", resumed.Out, StringComparison.Ordinal);
        Assert.Equal(prompts.Length, Directory.GetFiles(Path.Combine(WorkingDirectory, "output")).Length);
    }

    [Fact]
    public async Task A_refused_key_fails_the_batch_with_exit_3()
    {
        WriteFile("prompts.txt", "one", "two");
        var revoked = Hub.CreateApiKey(credits: 100);
        Hub.RevokeApiKey(revoked);

        var result = await RunAsync(["batch", "prompts.txt", "--concurrency", "1", "--base-url", Hub.BaseAddress.ToString(), "--api-key", revoked], terminal: false, Ct);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Matches("(?m)^failed     line-1  ", result.Out);
        Assert.Matches("(?m)^skipped    line-2  Not submitted: the batch stopped", result.Out);
    }

    [Fact]
    public async Task A_batch_on_a_terminal_draws_the_live_display_and_ends_with_the_summary()
    {
        WriteFile("prompts.txt", "live one", "live two");

        var result = await RunAsync(["batch", "prompts.txt", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: true, Ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Batch finished: 2 succeeded, 0 failed, 0 skipped, 0 unknown of 2; 16 credits.", result.Out, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(WorkingDirectory, "output")).Length);
    }

    private string WriteFile(string name, params string[] lines)
    {
        var path = Path.Combine(WorkingDirectory, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
