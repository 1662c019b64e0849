using System.Text.RegularExpressions;

namespace GptImageHub.Sdk.Tests.Documentation;

/// <summary>What the README says about the repository matches the repository.</summary>
public sealed partial class ReadmeTextTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(ReadmeCodeBlocks.RepositoryRoot, "README.md"));

    [Fact]
    public void The_CI_paragraph_counts_and_names_every_smoke_script()
    {
        var scripts = Directory.GetFiles(Path.Combine(ReadmeCodeBlocks.RepositoryRoot, ".ci"), "*-smoke.sh").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var paragraph = Readme.Split("\n\n").Single(p => p.Contains("smoke scripts", StringComparison.Ordinal));
        var count = CountWord().Match(paragraph).Groups["count"].Value;

        Assert.Equal(Words[scripts.Count], count);
        Assert.All(scripts, script => Assert.Contains(".ci/" + script, paragraph, StringComparison.Ordinal));
    }

    [Fact]
    public void The_configuration_table_names_both_variables_and_their_configuration_keys()
    {
        Assert.Contains("| `ApiKey` | `GPTIMAGEHUB_API_KEY` | `GptImageHub:ApiKey` |", Readme, StringComparison.Ordinal);
        Assert.Contains("| `BaseAddress` | `GPTIMAGEHUB_BASE_URL` | `GptImageHub:BaseAddress` |", Readme, StringComparison.Ordinal);
        Assert.Equal("GPTIMAGEHUB_API_KEY", GptImageHubClientOptions.ApiKeyEnvironmentVariable);
        Assert.Equal("GPTIMAGEHUB_BASE_URL", GptImageHubClientOptions.BaseAddressEnvironmentVariable);
    }

    [Fact]
    public void The_install_commands_are_the_ones_the_smoke_scripts_run()
    {
        var packageSmoke = File.ReadAllText(Path.Combine(ReadmeCodeBlocks.RepositoryRoot, ".ci", "package-smoke.sh"));
        var cliSmoke = File.ReadAllText(Path.Combine(ReadmeCodeBlocks.RepositoryRoot, ".ci", "cli-smoke.sh"));

        Assert.Contains("dotnet new nugetconfig", Readme, StringComparison.Ordinal);
        Assert.Contains("dotnet new nugetconfig", packageSmoke, StringComparison.Ordinal);
        Assert.Contains("dotnet nuget add source ~/gih-packages --name gih-packages --configfile nuget.config", Readme, StringComparison.Ordinal);
        Assert.Contains("dotnet nuget add source \"$feed\" --name gih-packages --configfile nuget.config", packageSmoke, StringComparison.Ordinal);
        Assert.Contains("dotnet tool install --global GptImageHub.Cli --add-source ~/gih-packages", Readme, StringComparison.Ordinal);
        Assert.Contains("--add-source \"$feed\" GptImageHub.Cli", cliSmoke, StringComparison.Ordinal);
    }

    private static readonly string[] Words = ["no", "one", "two", "three", "four", "five", "six"];

    [GeneratedRegex(@"runs the (?<count>\w+) smoke scripts")]
    private static partial Regex CountWord();
}
