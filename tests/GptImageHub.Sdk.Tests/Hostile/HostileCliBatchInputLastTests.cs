using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih batch -</c> promises that every option is checked before standard input is read (a producer may run for hours).
/// Two were still checked after it: an <c>--out</c> folder that takes no file (exit 2) and a <c>--postgres</c> database
/// that refuses the connection (exit 8), both found only once the producer had ended. Now both are found first, and a
/// batch file is still read before either (a bad line costs no folder and no connection).
/// </summary>
public sealed class HostileCliBatchInputLastTests : CliTestBase
{
    [Fact]
    public async Task An_out_folder_that_takes_no_file_is_refused_before_standard_input_is_read()
    {
        File.WriteAllText(Path.Combine(WorkingDirectory, "blocker"), "a file where the folder would be");

        var (result, reads) = await RunWithInputAsync(["--journal", "run.jsonl", "--out", "blocker"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--out", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Equal(0, reads);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_postgres_database_that_refuses_the_connection_is_reported_before_standard_input_is_read()
    {
        var (result, reads) = await RunWithInputAsync(["--postgres", "Host=127.0.0.1;Port=1;Username=gih;Password=pw-never-shown", "--batch-name", "b"]);

        Assert.True(result.ExitCode == 8, result.ToString());
        Assert.Contains("cannot be reached", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, reads);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    private async Task<(CliResult Result, int Reads)> RunWithInputAsync(string[] options)
    {
        var reads = 0;
        var input = new MemoryStream("a red fox\n"u8.ToArray());
        string[] args = ["batch", "-", .. options, "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];
        var result = await RunAsync(args, terminal: false, Ct, openInput: () =>
        {
            reads++;
            return input;
        });
        return (result, reads);
    }
}
