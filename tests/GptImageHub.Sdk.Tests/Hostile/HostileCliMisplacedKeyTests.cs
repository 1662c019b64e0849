using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// More wrong places for a key of a shape gih cannot know: after a mistyped option with <c>:</c> (which
/// System.CommandLine accepts like <c>=</c>), and as the value of an option or argument that names a file.
/// </summary>
public sealed class HostileCliMisplacedKeyTests : CliTestBase
{
    private const string ForeignKey = "sk-Sh4pedOtherw1se-0123456789abcdefXYZ";

    public static TheoryData<string[]> Misplaced() => new()
    {
        new[] { "credits", "--apikey:{key}" },
        new[] { "generate", "a fox", "--api-kye:{key}" },
        new[] { "generate", "a fox", "--ref", "{key}" },
        new[] { "batch", "{key}" },
    };

    [Theory]
    [MemberData(nameof(Misplaced))]
    public async Task A_key_of_another_shape_given_in_the_wrong_place_is_never_echoed(string[] args)
    {
        foreach (var extra in new[] { Array.Empty<string>(), ["--json", "--verbose"] })
        {
            var result = await RunAsync([.. args.Select(a => a.Replace("{key}", ForeignKey, StringComparison.Ordinal)), .. extra]);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.DoesNotContain(ForeignKey[3..], result.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(ForeignKey[3..], result.Error, StringComparison.Ordinal);
        }

        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    /// <summary>
    /// A key written as the config file's <c>"defaultModel"</c> (one line below <c>"apiKey"</c>): the service refuses
    /// the unknown model and quotes it, and gih printed that refusal as it came.
    /// </summary>
    [Fact]
    public async Task A_key_of_another_shape_written_as_the_config_files_default_model_is_never_echoed()
    {
        var config = Directory.CreateDirectory(Path.Combine(WorkingDirectory, ".config", "gih")).FullName;
        File.WriteAllText(Path.Combine(config, "config.json"), $$"""{"defaultModel": "{{ForeignKey}}"}""");

        File.WriteAllText(Path.Combine(WorkingDirectory, "batch.jsonl"), """{"prompt": "a fox"}""" + "\n");
        foreach (var extra in new[] { Array.Empty<string>(), ["--json", "--verbose"] })
        {
            var batch = await RunWithKeyAsync(["batch", "batch.jsonl", .. extra]);
            Assert.True(batch.ExitCode != 0, batch.ToString());
            Assert.DoesNotContain(ForeignKey[3..], batch.Out + batch.Error, StringComparison.Ordinal);

            var result = await RunWithKeyAsync(["generate", "a fox", .. extra]);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.DoesNotContain(ForeignKey[3..], result.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(ForeignKey[3..], result.Error, StringComparison.Ordinal);
        }
    }
}
