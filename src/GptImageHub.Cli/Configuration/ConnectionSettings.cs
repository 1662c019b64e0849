using GptImageHub.Cli.Failures;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Configuration;

/// <summary>
/// The API key and service address of one run, each taken from the first place that has it:
/// the flag (<c>--api-key</c>, <c>--base-url</c>), then the environment (<c>GPTIMAGEHUB_API_KEY</c>,
/// <c>GPTIMAGEHUB_BASE_URL</c>), then the user config file (<c>apiKey</c>, <c>baseUrl</c>).
/// </summary>
internal sealed record ConnectionSettings(string? ApiKey, string? ApiKeySource, Uri BaseAddress, string? ConfigPath)
{
    /// <summary>The environment variable that names a self-hosted service or a local emulator.</summary>
    public const string BaseUrlEnvironmentVariable = "GPTIMAGEHUB_BASE_URL";

    /// <summary>Resolves the key and address by precedence: flag, environment, config file.</summary>
    /// <exception cref="UsageException">The chosen base URL is not an absolute http(s) URL, or the config file is unreadable.</exception>
    public static ConnectionSettings Resolve(string? apiKeyFlag, string? baseUrlFlag, Func<string, string?> getVariable)
    {
        var configPath = UserConfigFile.Locate(getVariable);
        UserConfig? config = null;
        UserConfig Config() => config ??= UserConfigFile.Read(configPath);

        string? key;
        string? keySource;
        if (!string.IsNullOrWhiteSpace(apiKeyFlag))
        {
            (key, keySource) = (apiKeyFlag, "--api-key");
        }
        else if (getVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            (key, keySource) = (fromEnvironment, GptImageHubClientOptions.ApiKeyEnvironmentVariable);
        }
        else if (!string.IsNullOrWhiteSpace(Config().ApiKey))
        {
            (key, keySource) = (Config().ApiKey, configPath);
        }
        else
        {
            (key, keySource) = (null, null);
        }

        var baseUrl = FirstSet(baseUrlFlag, getVariable(BaseUrlEnvironmentVariable), () => Config().BaseUrl);
        var baseAddress = baseUrl is null ? GptImageHubClientOptions.DefaultBaseAddress : ParseBaseUrl(baseUrl);
        return new ConnectionSettings(key?.Trim(), keySource, baseAddress, configPath);
    }

    private static string? FirstSet(string? flag, string? environment, Func<string?> file) =>
        !string.IsNullOrWhiteSpace(flag) ? flag
        : !string.IsNullOrWhiteSpace(environment) ? environment
        : file() is { } fromFile && !string.IsNullOrWhiteSpace(fromFile) ? fromFile
        : null;

    private static Uri ParseBaseUrl(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"The base URL '{value}' is not an absolute http or https URL, such as https://www.gptimagehub.com/.");
        }

        return uri;
    }
}
