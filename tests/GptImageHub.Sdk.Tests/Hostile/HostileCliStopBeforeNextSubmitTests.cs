using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih generate</c> lets the POST already sent finish after the first Ctrl+C (its answer names the paid job), and did
/// so by handing the submit no token at all: everything inside it ran on after the stop. A 429 answered to the POST
/// after Ctrl+C was retried, and the new POST (sent after the user had stopped) was charged; a stop while the submit
/// still prepared (the model catalogue read by the cost check, the reference images) sent the POST anyway. A stop now
/// keeps only the POST already on the wire: nothing new is sent after it.
/// </summary>
public sealed class HostileCliStopBeforeNextSubmitTests : CliTestBase
{
    private bool _checkBalance;

    protected override void ConfigureClient(GptImageHubClientOptions options)
    {
        base.ConfigureClient(options);
        options.MaxRetries = 2;
        options.CheckBalanceBeforeSubmit = _checkBalance;
    }

    [Fact]
    public async Task Ctrl_c_while_the_POST_awaits_its_answer_sends_no_retry_after_a_429()
    {
        // The POST reaches the service, which refuses it with a 429 two seconds later, asking for no wait.
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(2), endpoint: EmulatorEndpoint.CreateGeneration);
        Hub.Faults.FailNext(429, "rate_limited", endpoint: EmulatorEndpoint.CreateGeneration, retryAfter: TimeSpan.Zero);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = RunAsync(["generate", "a fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: false, cancel.Token);
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 1, "the POST has reached the service");

        await cancel.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.DoesNotContain(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("HTTP 429", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_while_the_submit_prepares_sends_no_POST()
    {
        // The cost check reads the model catalogue first; it answers two seconds later.
        _checkBalance = true;
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(2), endpoint: EmulatorEndpoint.Models);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = RunAsync(["generate", "a fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: false, cancel.Token);
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0, "the catalogue read has reached the service");

        await cancel.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal("gih: Cancelled.", result.ErrorLine());
    }
}
