using GptImageHub.Sdk;

namespace GptImageHub.Cli.Configuration;

/// <summary>
/// The model of a generation that names none (<c>gih generate</c> and the lines of <c>gih batch</c>
/// without <c>--model</c>), from the first place that has it: <c>GPTIMAGEHUB_DEFAULT_MODEL</c>, then
/// <c>"defaultModel"</c> in the user config file, then the SDK options' documented default
/// (<see cref="GptImageHubClientOptions.DefaultModel"/>). No model id is compiled into gih.
/// </summary>
internal static class DefaultModelSetting
{
    /// <summary>The environment variable that sets the model of a run that names none.</summary>
    public const string EnvironmentVariable = "GPTIMAGEHUB_DEFAULT_MODEL";

    /// <summary>Resolves the model by precedence: environment, config file, SDK default.</summary>
    /// <exception cref="Failures.UsageException">The config file is unreadable.</exception>
    public static string Resolve(Func<string, string?> getVariable) => ResolveWithSource(getVariable).Model;

    /// <summary>
    /// Resolves the model by precedence, with where it came from in the user's words (the variable, or <c>"defaultModel"
    /// in PATH</c>; null for the SDK's default): a model the service refuses was not typed on the command line, so the
    /// failure names the place to fix.
    /// </summary>
    /// <exception cref="Failures.UsageException">The config file is unreadable.</exception>
    public static (string Model, string? Source) ResolveWithSource(Func<string, string?> getVariable)
    {
        if (getVariable(EnvironmentVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (fromEnvironment.Trim(), EnvironmentVariable);
        }

        var path = UserConfigFile.Locate(getVariable);
        if (UserConfigFile.Read(path).DefaultModel is { } fromFile && !string.IsNullOrWhiteSpace(fromFile))
        {
            return (fromFile.Trim(), $"\"defaultModel\" in {path}");
        }

        return (new GptImageHubClientOptions().DefaultModel
            ?? throw new InvalidOperationException("GptImageHubClientOptions.DefaultModel has no default."), null);
    }
}
