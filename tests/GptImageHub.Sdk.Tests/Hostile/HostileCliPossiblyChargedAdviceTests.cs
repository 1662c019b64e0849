using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A submit answered by a gateway's 502 after the service took it (possibly charged, no id). gih told its user what the
/// SDK tells a C# caller: <c>gih generate</c> said "check your balance (GetCreditsAsync)", and <c>gih batch</c>'s item said
/// "not submitted again unless BatchOptions.ResubmitUnknown is set", then ended with "run the same command again to submit
/// the items not submitted", which submits nothing and prints the same lines forever. Now both name gih's own commands:
/// <c>gih credits</c> to check the balance and <c>--resubmit-unknown</c> to pay for the item again.
/// </summary>
public sealed class HostileCliPossiblyChargedAdviceTests : CliTestBase
{
    [Fact]
    public async Task A_possibly_charged_generate_names_gih_credits_not_the_sdks_method()
    {
        Hub.Faults.FailNext(502, endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);

        var result = await RunWithKeyAsync("generate", "a fox");

        Assert.True(result.ExitCode == 9, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("possibly charged", line, StringComparison.Ordinal);
        Assert.Contains("gih credits --base-url " + Hub.BaseAddress, line, StringComparison.Ordinal);
        Assert.DoesNotContain("GetCreditsAsync", line, StringComparison.Ordinal);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task An_unknown_batch_item_says_resubmit_unknown_and_the_closing_line_does_not_promise_a_plain_rerun_submits_it()
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "prompts.txt"), ["a fox"]);
        Hub.Faults.FailNext(502, endpoint: EmulatorEndpoint.CreateGeneration, afterProcessing: true);

        var first = await RunWithKeyAsync("batch", "prompts.txt");
        var again = await RunWithKeyAsync("batch", "prompts.txt");

        foreach (var result in new[] { first, again })
        {
            Assert.True(result.ExitCode == 10, result.ToString());
            var item = Assert.Single(result.Out.Split('\n'), l => l.StartsWith("unknown", StringComparison.Ordinal));
            Assert.Contains("--resubmit-unknown", item, StringComparison.Ordinal);
            Assert.DoesNotContain("BatchOptions", item, StringComparison.Ordinal);
            var line = result.ErrorLine();
            Assert.DoesNotContain("run the same command again to submit the items not submitted", line, StringComparison.Ordinal);
            Assert.Contains("--resubmit-unknown", line, StringComparison.Ordinal);
            Assert.Contains("gih credits", line, StringComparison.Ordinal);
        }

        Assert.Single(Hub.Ledger.GenerationRequests);
    }
}
