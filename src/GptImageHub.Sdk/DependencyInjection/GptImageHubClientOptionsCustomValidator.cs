using Microsoft.Extensions.Options;

namespace GptImageHub.Sdk.DependencyInjection;

/// <summary>
/// Checks what annotations cannot: the rules across settings (plain http only to loopback, polling
/// intervals in order, positive timeouts). It asks the same code the client's constructor uses, so
/// the host refuses to start for exactly the settings a client would refuse, with the same message.
/// </summary>
internal sealed class GptImageHubClientOptionsCustomValidator : IValidateOptions<GptImageHubClientOptions>
{
    public ValidateOptionsResult Validate(string? name, GptImageHubClientOptions options)
    {
        try
        {
            ClientSettings.Create(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            var client = string.IsNullOrEmpty(name) ? "GptImageHub" : $"GptImageHub client '{name}'";
            return ValidateOptionsResult.Fail($"{client}: {ex.Message}");
        }
    }
}
