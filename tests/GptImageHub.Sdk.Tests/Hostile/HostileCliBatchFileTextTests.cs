using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A JSON line of a batch file whose string holds half a surrogate pair as an escape (<c>"\ud83d"</c>, an emoji
/// cut in two by whatever wrote the file). Reading the string threw past the checks, so gih exited 1 with
/// "Unexpected error" and no line number, where a malformed line is a usage error that names its line.
/// </summary>
public sealed class HostileCliBatchFileTextTests : CliTestBase
{
    [Theory]
    [InlineData("""{"prompt":"a fox \ud83d"}""", "\"prompt\"")]
    [InlineData("""{"prompt":"a fox","key":"sku-\udc00"}""", "\"key\"")]
    public async Task Half_a_surrogate_pair_in_a_json_line_exits_2_naming_the_line_and_field_before_any_request(string line, string field)
    {
        File.WriteAllLines(Path.Combine(WorkingDirectory, "items.jsonl"), ["a plain fox", line]);

        var result = await RunWithKeyAsync("batch", "items.jsonl");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("gih: items.jsonl line 2: ", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Contains(field, result.ErrorLine(), StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }
}
