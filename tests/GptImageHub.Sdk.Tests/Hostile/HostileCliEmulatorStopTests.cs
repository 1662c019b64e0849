using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih emulator</c> ends with Ctrl+C: once it served that exited 0, but a Ctrl+C while it started exited 130 with
/// "gih: Cancelled.". A server the user stops on purpose has not failed, whenever the stop comes: both now exit 0
/// without a failure line (the CLI README's exit code table says so).
/// </summary>
public sealed class HostileCliEmulatorStopTests : CliTestBase
{
    [Fact]
    public async Task Ctrl_c_while_the_emulator_starts_exits_0_as_once_it_serves()
    {
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await stopped.CancelAsync();

        var result = await RunAsync(["emulator", "--port", "0"], terminal: false, stopped.Token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains("Emulator stopped.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_while_the_emulator_starts_with_json_exits_0_without_an_error_document()
    {
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await stopped.CancelAsync();

        var result = await RunAsync(["emulator", "--json"], terminal: false, stopped.Token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        Assert.DoesNotContain("error", result.Out, StringComparison.Ordinal);
    }
}
