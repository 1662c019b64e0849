using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Ctrl+C while <c>gih generate</c>'s POST waits for its answer: the request has reached the service, which
/// may have taken and charged the job, but no id came back. gih said only "Cancelled.", which reads as
/// "nothing happened": the user runs the same command again and pays twice. The SDK's rule when unsure is
/// possibly charged, and a failure that may have cost something says so and how to check.
/// </summary>
public sealed class HostileCliStopDuringSubmitTests : CliTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ctrl_c_while_the_POST_awaits_its_answer_says_possibly_charged_and_how_to_check(bool json)
    {
        // The POST reaches the service and hangs there: the answer never comes before the stop.
        Hub.Faults.DelayNext(TimeSpan.FromSeconds(30), endpoint: EmulatorEndpoint.CreateGeneration);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string[] args = ["generate", "a fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key, .. json ? new[] { "--json" } : []];
        var run = RunAsync(args, terminal: false, cancel.Token);
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0, "the POST has reached the service");

        await cancel.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(result.ExitCode == 130, result.ToString());
        var line = result.ErrorLine();
        Assert.StartsWith("gih: Cancelled.", line, StringComparison.Ordinal);
        Assert.Contains("possibly charged", line, StringComparison.Ordinal);
        Assert.Contains("gih credits", line, StringComparison.Ordinal);
        if (json)
        {
            var error = result.Json().GetProperty("error");
            Assert.Contains("possibly charged", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}
