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
}
