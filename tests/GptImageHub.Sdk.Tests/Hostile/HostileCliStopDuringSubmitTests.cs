using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Ctrl+C while <c>gih generate</c>'s POST waits for its answer: the request has reached the service, which may have
/// taken and charged the job. gih first said only "Cancelled.", which reads as "nothing happened", then "possibly
/// charged, check gih credits": true, but the job the user paid for was never named, and a job that exists could not
/// be resumed (promise 2). Like <c>gih batch</c>, the first Ctrl+C now waits for the answer, saying so at once, and the
/// failure line names the job and how to resume it; a second Ctrl+C ends the process (Program).
/// </summary>
public sealed class HostileCliStopDuringSubmitTests : CliTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ctrl_c_while_the_POST_awaits_its_answer_waits_for_it_and_names_the_paid_job(bool json)
    {
        // The POST reaches the service, which answers two seconds later.
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(2), endpoint: EmulatorEndpoint.CreateGeneration);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string[] args = ["generate", "a fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key, .. json ? new[] { "--json" } : []];
        var stdout = new CapturedWriter();
        var run = RunAsync(args, terminal: false, cancel.Token, stdout);
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0, "the POST has reached the service");

        await cancel.CancelAsync();
        var saidWhileWaiting = stdout.ToString();
        var waitingStill = !run.IsCompleted;
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.True(waitingStill, "gih did not wait for the POST's answer:\n" + result);
        Assert.True(result.ExitCode == 130, result.ToString());
        var charge = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge);
        var line = result.ErrorLine();
        Assert.StartsWith("gih: Cancelled.", line, StringComparison.Ordinal);
        Assert.Contains($"Generation {charge.GenerationId} keeps running on the service; resume with: gih wait {charge.GenerationId}", line, StringComparison.Ordinal);
        if (json)
        {
            Assert.Equal(charge.GenerationId, result.Json().GetProperty("error").GetProperty("generation_id").GetString());
        }
        else
        {
            Assert.Contains("Stopping: nothing more will be sent. A request already sent is waited for", saidWhileWaiting, StringComparison.Ordinal);
            Assert.Contains("Ctrl+C again quits now", saidWhileWaiting, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ctrl_c_before_the_POST_sends_nothing()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await cancel.CancelAsync();

        var result = await RunAsync(["generate", "a fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: false, cancel.Token);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.Equal("gih: Cancelled.", result.ErrorLine());
    }
}
