using System.Net;
using GptImageHub.Cli.Failures;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Configuration;

/// <summary>
/// The API key and service address of one run, each taken from the first place that has it:
/// the flag (<c>--api-key</c> or <c>--api-key-env NAME</c>, <c>--base-url</c>), then the environment
/// (<c>GPTIMAGEHUB_API_KEY</c>, <c>GPTIMAGEHUB_BASE_URL</c>), then the user config file (<c>apiKey</c>, <c>baseUrl</c>).
/// </summary>
/// <param name="ApiKey">The key, or null when none was found.</param>
/// <param name="ApiKeySource">Where the key came from, in the user's words: <c>--api-key</c>, <c>--api-key-env NAME</c>, the variable or the config file's path.</param>
/// <param name="BaseAddress">The service address.</param>
/// <param name="ConfigPath">Where the config file is looked for.</param>
internal sealed record ConnectionSettings(string? ApiKey, string? ApiKeySource, Uri BaseAddress, string? ConfigPath)
{
    /// <summary>The environment variable that names a self-hosted service or a local emulator.</summary>
    public const string BaseUrlEnvironmentVariable = GptImageHubClientOptions.BaseAddressEnvironmentVariable;

    /// <summary>The key came from <c>--api-key</c>: a printed command cannot repeat it, so it says to add it.</summary>
    public bool KeyFromFlag { get; init; }

    /// <summary>The variable named by <c>--api-key-env</c>, which a printed command repeats.</summary>
    public string? KeyVariableFlag { get; init; }

    /// <summary>The address came from <c>--base-url</c>, which a printed command repeats.</summary>
    public bool BaseUrlFromFlag { get; init; }

    /// <summary>Resolves the key and address by precedence: flag, environment, config file.</summary>
    /// <exception cref="UsageException">The chosen base URL is not an absolute http(s) URL or is plain http to a remote host, the variable named by <c>--api-key-env</c> is empty, or the config file is unreadable.</exception>
    public static ConnectionSettings Resolve(string? apiKeyFlag, string? baseUrlFlag, Func<string, string?> getVariable, string? apiKeyVariableFlag = null)
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
        else if (!string.IsNullOrWhiteSpace(apiKeyVariableFlag))
        {
            key = getVariable(apiKeyVariableFlag.Trim());
            keySource = $"--api-key-env {apiKeyVariableFlag.Trim()}";
            if (string.IsNullOrWhiteSpace(key))
            {
                // A key pasted here instead of a variable's name would be echoed: such a word is not repeated.
                throw new UsageException(KeyMask.MayBeSecret(apiKeyVariableFlag.Trim())
                    ? "--api-key-env takes the name of an environment variable, and no variable of the name given is set in this shell. If you gave the key itself, pass it with --api-key or export it as " + GptImageHubClientOptions.ApiKeyEnvironmentVariable + "."
                    : $"--api-key-env {apiKeyVariableFlag.Trim()}: the environment variable {apiKeyVariableFlag.Trim()} is not set in this shell.");
            }
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

        Uri baseAddress;
        if (!string.IsNullOrWhiteSpace(baseUrlFlag))
        {
            baseAddress = ParseBaseUrl(baseUrlFlag, "--base-url");
        }
        else if (getVariable(BaseUrlEnvironmentVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            baseAddress = ParseBaseUrl(fromEnvironment, BaseUrlEnvironmentVariable);
        }
        else if (Config().BaseUrl is { } fromFile && !string.IsNullOrWhiteSpace(fromFile))
        {
            baseAddress = ParseBaseUrl(fromFile, $"\"baseUrl\" in {configPath}");
        }
        else
        {
            baseAddress = GptImageHubClientOptions.DefaultBaseAddress;
        }

        return new ConnectionSettings(key?.Trim(), keySource, baseAddress, configPath)
        {
            KeyFromFlag = keySource == "--api-key",
            KeyVariableFlag = string.IsNullOrWhiteSpace(apiKeyFlag) && !string.IsNullOrWhiteSpace(apiKeyVariableFlag) ? apiKeyVariableFlag.Trim() : null,
            BaseUrlFromFlag = !string.IsNullOrWhiteSpace(baseUrlFlag),
        };
    }

    private static Uri ParseBaseUrl(string value, string source)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException(KeyMask.MayBeSecret(value.Trim())
                ? $"The base URL ({source}) is not an absolute http or https URL, such as https://www.gptimagehub.com/ (the value given is not repeated: it may be a key)."
                : $"The base URL '{value}' ({source}) is not an absolute http or https URL, such as https://www.gptimagehub.com/.");
        }

        // Before the message below, which repeats the value: user info is a password as often as not. The SDK refuses
        // these parts too, but names its own BaseAddress, which a gih user never set.
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new UsageException(
                $"The base URL ({source}) must not carry user info, a query or a fragment (the value given is not repeated: it may hold a secret); give the service's root, such as https://www.gptimagehub.com/.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new UsageException(
                $"The base URL '{value}' ({source}) uses plain http to a host that is not this machine, which would send the API key in clear text. Use an https:// address; gih accepts http:// only for 127.0.0.1, [::1] and localhost, such as the emulator.");
        }

        return uri;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
