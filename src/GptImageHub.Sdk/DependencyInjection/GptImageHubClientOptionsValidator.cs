using Microsoft.Extensions.Options;

namespace GptImageHub.Sdk.DependencyInjection;

/// <summary>
/// Validates the options when the host starts, with the rules the client's constructor uses
/// (<see cref="OptionsRules"/>), so the host refuses to start for exactly the settings a client would
/// refuse, and reports every failing setting at once, not the first.
/// </summary>
internal sealed class GptImageHubClientOptionsValidator : IValidateOptions<GptImageHubClientOptions>
{
    public ValidateOptionsResult Validate(string? name, GptImageHubClientOptions options)
    {
        var failures = OptionsRules.Check(options, out _, out _, keyFromEnvironment: Core.ClientCores.IsDefault(name ?? Options.DefaultName));
        if (options.BindingFailures is { Count: > 0 } unreadable)
        {
            failures.InsertRange(0, unreadable);
        }

        if (failures.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var client = string.IsNullOrEmpty(name) ? "GptImageHub" : $"GptImageHub client '{name}'";
        return ValidateOptionsResult.Fail(failures.Select(failure => $"{client}: {failure}"));
    }
}
