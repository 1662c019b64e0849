namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// <c>gih batch -</c>: the batch read from standard input (<c>generate-prompts | gih batch - --journal run.jsonl</c>), as
/// Unix tools read <c>-</c>. The journal is named after the batch file otherwise, so standard input needs one named.
/// </summary>
public sealed class CliBatchStandardInputTests : CliTestBase
{
    [Fact]
    public async Task A_batch_read_from_standard_input_saves_each_image_and_the_same_command_resumes_it_without_paying_again()
    {
        string[] args = ["batch", "-", "--journal", "run.jsonl", "--out", "images", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];
        const string Input = "a red fox\n# a comment\n\n{\"key\": \"owl\", \"prompt\": \"an owl at night\"}\n";

        var first = await RunAsync(args, terminal: false, Ct, input: Input);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(WorkingDirectory, "images"), "*.png").Length);
        Assert.True(File.Exists(Path.Combine(WorkingDirectory, "run.jsonl")));
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);

        var again = await RunAsync(args, terminal: false, Ct, input: Input);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(2, Hub.Ledger.GenerationRequests.Count);
    }

    [Theory]
    [InlineData("--journal", "")]
    [InlineData("not both", "--journal|run.jsonl|--postgres|Host=127.0.0.1;Username=gih;Password=pw-never-shown|--batch-name|b")]
    [InlineData("--batch-name NAME", "--postgres|Host=127.0.0.1;Username=gih;Password=pw-never-shown")]
    [InlineData("give --postgres too", "--journal|run.jsonl|--batch-name|b")]
    [InlineData("not valid", "--postgres|Host=127.0.0.1;Nonsense=1|--batch-name|b")]
    public async Task Options_that_cannot_run_are_refused_before_standard_input_is_read(string named, string options)
    {
        // Standard input may be a terminal or a producer that runs for hours: a command that cannot run must not wait for it.
        var reads = 0;
        var input = new MemoryStream("a red fox\n"u8.ToArray());
        string[] args = ["batch", "-", .. options.Split('|', StringSplitOptions.RemoveEmptyEntries), "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];

        var result = await RunAsync(args, terminal: false, Ct, openInput: () =>
        {
            reads++;
            return input;
        });

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-shown", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, reads);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_bad_line_on_standard_input_is_named_by_its_number_and_nothing_is_sent()
    {
        var result = await RunAsync(
            ["batch", "-", "--journal", "run.jsonl", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key],
            terminal: false,
            Ct,
            input: "a red fox\n{\"prompt\": \n");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("gih: standard input line 2:", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }
}
