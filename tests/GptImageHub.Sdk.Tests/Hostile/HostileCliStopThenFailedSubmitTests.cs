using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Ctrl+C while <c>gih generate</c>'s POST awaits its answer, and the answer is a failure: the line must say what the
/// failure says of the charge (refused, or possibly charged), not "Cancelled.", and never the key. Held.
/// </summary>
public sealed class HostileCliStopThenFailedSubmitTests : CliTestBase
{
    [Theory]
    [InlineData("402", false)]
    [InlineData("503-after", true)]
    [InlineData("drop-after", true)]
    [InlineData("drop-before", true)]
    public async Task A_POST_that_fails_after_ctrl_c_is_reported_as_its_failure_with_its_charge(string fault, bool possiblyCharged)
    {
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(2), endpoint: EmulatorEndpoint.CreateGeneration);
        switch (fault)
        {
            case "402": Hub.Faults.FailNext(402, "insufficientCredits", endpoint: EmulatorEndpoint.CreateGeneration); break;
            case "503-after": Hub.Faults.FailNext(503, endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true); break;
            case "drop-after": Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true); break;
            default: Hub.Faults.DropNext(endpoint: EmulatorEndpoint.CreateGeneration); break;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = RunAsync(["generate", "a fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key, "--verbose"], terminal: false, cancel.Token);
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 1, "the POST has reached the service");

        await cancel.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        var line = result.Error.Split('\n')[0];
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.StartsWith("gih: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancelled", line, StringComparison.Ordinal);
        Assert.Equal(possiblyCharged, line.Contains("possibly charged", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Key, result.ToString(), StringComparison.Ordinal);
    }
}
