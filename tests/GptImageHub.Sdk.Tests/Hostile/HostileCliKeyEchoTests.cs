using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A key typed in the wrong place: given to <c>--api-key-env</c> (which wants a variable's name) or to
/// <c>--base-url</c>, or after a mistyped <c>--api-key</c>. gih echoed the value in its one-line error
/// (and in the JSON error and the <c>--verbose</c> trace), so the key landed in the terminal's scrollback
/// and any CI log.
/// </summary>
public sealed class HostileCliKeyEchoTests : CliTestBase
{
    public static TheoryData<string[]> Misplaced() => new()
    {
        new[] { "credits", "--api-key-env", "{key}" },
        new[] { "credits", "--base-url", "{key}" },
        new[] { "credits", "--apikey", "{key}" },
        new[] { "generate", "a fox", "--api-kye", "{key}" },
    };

    [Theory]
    [MemberData(nameof(Misplaced))]
    public async Task A_key_given_in_the_wrong_place_is_never_echoed(string[] args)
    {
        foreach (var extra in new[] { Array.Empty<string>(), ["--json", "--verbose"] })
        {
            var result = await RunAsync([.. args.Select(a => a.Replace("{key}", Key, StringComparison.Ordinal)), .. extra]);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.DoesNotContain(Key, result.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(Key[..12], result.Error, StringComparison.Ordinal);
        }

        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task The_example_key_of_a_usage_message_is_not_masked()
    {
        var config = Directory.CreateDirectory(Path.Combine(WorkingDirectory, ".config", "gih")).FullName;
        File.WriteAllText(Path.Combine(config, "config.json"), "[]");

        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("{\"apiKey\": \"gih_live_...\"", result.ErrorLine(), StringComparison.Ordinal);
    }
}
