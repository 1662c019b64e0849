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

    /// <summary>Keys gih cannot know by their shape: another service's, and a GPT Image Hub key pasted without its prefix.</summary>
    public static TheoryData<string[], string> MisplacedForeign()
    {
        var data = new TheoryData<string[], string>();
        foreach (var key in new[] { "sk-Sh4pedOtherw1se-0123456789abcdefXYZ", "T3stK3yNeverLeaks0123456789abcd" })
        {
            foreach (var args in Misplaced())
            {
                data.Add(args.Data, key);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Misplaced))]
    public async Task A_key_given_in_the_wrong_place_is_never_echoed(string[] args) => await AssertNotEchoedAsync(args, Key);

    /// <summary>
    /// Such a key was masked only when it was the run's own or shaped like a GPT Image Hub key; given in the wrong
    /// place, it is neither, and the parser's complaint, the variable's name and the base URL quoted it.
    /// </summary>
    [Theory]
    [MemberData(nameof(MisplacedForeign))]
    public async Task A_key_of_another_shape_given_in_the_wrong_place_is_never_echoed(string[] args, string key) => await AssertNotEchoedAsync(args, key);

    [Theory]
    [InlineData("--api-key-env", "MY_GIH_KEY", "the environment variable MY_GIH_KEY is not set")]
    [InlineData("--base-url", "htps//www.gptimagehub.com", "The base URL 'htps//www.gptimagehub.com' (--base-url)")]
    [InlineData("--bse-url", "https://www.gptimagehub.com/", "'--bse-url'")]
    public async Task What_cannot_be_a_key_is_still_quoted_in_a_usage_error(string option, string value, string quoted)
    {
        var result = await RunAsync("credits", option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(quoted, result.ErrorLine(), StringComparison.Ordinal);
    }

    private async Task AssertNotEchoedAsync(string[] args, string key)
    {
        foreach (var extra in new[] { Array.Empty<string>(), ["--json", "--verbose"] })
        {
            var result = await RunAsync([.. args.Select(a => a.Replace("{key}", key, StringComparison.Ordinal)), .. extra]);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.DoesNotContain(key, result.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(key, result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(key[..12], result.Error, StringComparison.Ordinal);
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
