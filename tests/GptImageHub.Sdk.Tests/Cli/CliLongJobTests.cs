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

    private string ChargedGeneration() => Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
}
