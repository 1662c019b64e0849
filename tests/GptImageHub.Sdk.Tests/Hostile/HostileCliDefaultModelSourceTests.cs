using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>gih generate "x"</c> with a mistyped <c>GPTIMAGEHUB_DEFAULT_MODEL</c> (or <c>"defaultModel"</c> in the config file):
/// the service's refusal, "Unknown model 'gpt-imag-2'", was all gih said, about a model the user never typed on that
/// command line. Now the line says where the model came from and what to do (--model, or fix it there; gih models).
/// </summary>
public sealed class HostileCliDefaultModelSourceTests : CliTestBase
{
    [Fact]
    public async Task A_refused_model_from_the_environment_names_the_variable()
    {
        SetVariable("GPTIMAGEHUB_DEFAULT_MODEL", "gpt-imag-2");

        var result = await RunWithKeyAsync("generate", "a fox");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("Unknown model 'gpt-imag-2'", line, StringComparison.Ordinal);
        Assert.Contains("The model gpt-imag-2 came from GPTIMAGEHUB_DEFAULT_MODEL", line, StringComparison.Ordinal);
        Assert.Contains("--model", line, StringComparison.Ordinal);
        Assert.Contains("gih models", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_model_from_the_config_file_names_the_file()
    {
        var config = Path.Combine(WorkingDirectory, ".config", "gih", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, """{ "defaultModel": "gpt-imag-2" }""");

        var result = await RunWithKeyAsync("generate", "a fox");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"The model gpt-imag-2 came from \"defaultModel\" in {config}", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_model_given_with_model_gets_no_note()
    {
        SetVariable("GPTIMAGEHUB_DEFAULT_MODEL", "gpt-image-2");

        var result = await RunWithKeyAsync("generate", "a fox", "--model", "gpt-imag-2");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.DoesNotContain("came from", result.ErrorLine(), StringComparison.Ordinal);
    }
}
