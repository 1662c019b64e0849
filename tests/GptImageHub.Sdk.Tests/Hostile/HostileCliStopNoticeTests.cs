using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Ctrl+C while <c>gih batch</c>'s POSTs await their answers. The batch rightly waits for them, so that the ids of jobs
/// already paid for are journaled; but it said nothing while it waited (18 s against a slow service in a hostile run),
/// which reads as a hang. The user presses Ctrl+C again, the process dies, and every item in flight stays unknown,
/// its paid job's id never learned.
/// </summary>
public sealed class HostileCliStopNoticeTests : CliTestBase
{
    [Fact]
    public async Task The_first_ctrl_c_says_at_once_that_the_batch_waits_for_the_submits_in_flight_and_what_a_second_one_costs()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["p1", "p2", "p3"]);
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(3), count: 2, endpoint: EmulatorEndpoint.CreateGeneration);
        string[] args = ["batch", "prompts.txt", "--concurrency", "2", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new CapturedWriter();
        var run = RunAsync(args, terminal: false, cancel.Token, stdout);
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0, "both POSTs have reached the service");

        await cancel.CancelAsync();
        var saidWhileWaiting = stdout.ToString();
        var waitingStill = !run.IsCompleted;
        var stopped = await run.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.True(waitingStill, "the batch did not wait for the submits in flight:\n" + stopped);
        Assert.Contains("Stopping: nothing new is submitted; waiting for the submits already sent to answer", saidWhileWaiting, StringComparison.Ordinal);
        Assert.Contains("Ctrl+C again quits now", saidWhileWaiting, StringComparison.Ordinal);
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);
        Assert.All(
            Hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge),
            charge => Assert.Contains(charge.GenerationId!, stopped.Out, StringComparison.Ordinal));
    }
}
