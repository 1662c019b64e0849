using System.Reflection;
using System.Runtime.InteropServices;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk;

/// <summary>
/// The validated, immutable copy of <see cref="GptImageHubClientOptions"/> a client runs on, so
/// later changes to the options object cannot change a live client.
/// </summary>
internal sealed class ClientSettings
{
    private ClientSettings(GptImageHubClientOptions options, string? apiKey, Uri baseAddress, string missingKeyMessage)
    {
        ApiKey = apiKey;
        MissingKeyMessage = missingKeyMessage;
        AuthorizationHeader = apiKey is null ? null : "Bearer " + apiKey;
        ApiKeyJsonForms = SecretRedaction.JsonForms(apiKey);
        BaseAddress = baseAddress;
        Endpoints = new ApiEndpoints(baseAddress);
        ShownBaseAddress = SecretRedaction.ShownAddress(baseAddress, apiKey);
        _pathsHoldKey = !string.Equals(SecretRedaction.RedactInAddress(baseAddress.AbsolutePath, apiKey), baseAddress.AbsolutePath, StringComparison.Ordinal);
        GenerationMode = options.GenerationMode;
        RequestTimeout = options.RequestTimeout;
        ServerWaitTimeout = options.ServerWaitTimeout;
        MaxRetries = options.MaxRetries;
        MaxResponseBytes = options.MaxResponseBytes;
        MaxCreditsPerRequest = options.MaxCreditsPerRequest;
        CheckBalanceBeforeSubmit = options.CheckBalanceBeforeSubmit;
        ModelCacheDuration = options.ModelCacheDuration;
        Polling = options.Polling.Clone();
        DefaultModel = options.DefaultModel;
        TimeProvider = options.TimeProvider;
    }

    public static string UserAgent { get; } = CreateUserAgent();

    public string? ApiKey { get; }

    /// <summary>The message of the <see cref="MissingApiKeyException"/> a call that needs a key gets when <see cref="ApiKey"/> is null: it names where to set one.</summary>
    public string MissingKeyMessage { get; }

    /// <summary>The <c>Authorization</c> value, built once: the key is checked for white space and control characters, so it is a valid header as it is.</summary>
    public string? AuthorizationHeader { get; }

    /// <summary>The key as a server echoing it writes it in JSON, masked in every answer before it is read (<see cref="SecretRedaction.JsonForms"/>).</summary>
    public byte[][] ApiKeyJsonForms { get; }

    public Uri BaseAddress { get; }

    public ApiEndpoints Endpoints { get; }

    /// <summary>The base address as messages name it: scheme, host and path, with a key in its path masked.</summary>
    public string ShownBaseAddress { get; }

    // Whether the base address's path holds the key (or a key-shaped word), so every path built on it must be masked
    // before a message, log or trace names it; checked once, so that the usual address costs a call nothing.
    private readonly bool _pathsHoldKey;

    /// <summary>Sets <paramref name="call"/>'s <see cref="ApiCall.Path"/>, as messages, logs and traces name it, with the key masked when the base address's path holds it.</summary>
    public void MaskPath(ApiCall call)
    {
        if (_pathsHoldKey)
        {
            call.Path = SecretRedaction.RedactInAddress(call.Uri.AbsolutePath, ApiKey);
        }
    }

    public GenerationMode GenerationMode { get; }

    public TimeSpan RequestTimeout { get; }

    public TimeSpan ServerWaitTimeout { get; }

    public int MaxRetries { get; }

    public long MaxResponseBytes { get; }

    public long? MaxCreditsPerRequest { get; }

    public bool CheckBalanceBeforeSubmit { get; }

    public TimeSpan ModelCacheDuration { get; }

    public PollingOptions Polling { get; }

    public string? DefaultModel { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Checks every setting (<see cref="OptionsRules"/>) and copies them.</summary>
    /// <param name="options">The options.</param>
    /// <param name="keyFromEnvironment">Whether an unset key is read from <c>GPTIMAGEHUB_API_KEY</c> (not for a named DI client).</param>
    /// <exception cref="ArgumentException">Settings are out of range; the message names every one.</exception>
    public static ClientSettings Create(GptImageHubClientOptions options, bool keyFromEnvironment = true)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var failures = OptionsRules.Check(options, out var apiKey, out var baseAddress, keyFromEnvironment);
        if (failures.Count > 0)
        {
            throw OptionsRules.Refuse(failures, nameof(options));
        }

        return new ClientSettings(options, apiKey, baseAddress!, MissingKeyAdvice(options, keyFromEnvironment));
    }

    /// <summary>
    /// What a call that needs the key says when there is none: where this client's registration reads it (a configuration
    /// path, a delegate, the property), and the environment variable only for a client that reads it (not a named DI client).
    /// </summary>
    private static string MissingKeyAdvice(GptImageHubClientOptions options, bool keyFromEnvironment)
    {
        var setting = options.ApiKeySetting ?? "GptImageHubClientOptions.ApiKey";
        return keyFromEnvironment
            ? $"No API key is configured. Set {setting}, or the {GptImageHubClientOptions.ApiKeyEnvironmentVariable} environment variable."
            : $"No API key is configured for this named client. Set {setting}; a named client never reads {GptImageHubClientOptions.ApiKeyEnvironmentVariable}, the default client's key.";
    }

    /// <summary>Whether <paramref name="uri"/> has the API's scheme, host and port, the only origin that may see the key.</summary>
    public bool IsApiOrigin(Uri uri) =>
        uri.IsAbsoluteUri
        && string.Equals(uri.Scheme, BaseAddress.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, BaseAddress.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == BaseAddress.Port;

    private static string CreateUserAgent()
    {
        var assembly = typeof(ClientSettings).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+');
        if (plus >= 0)
        {
            version = version.Substring(0, plus);
        }

        var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "Windows"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "macOS"
            : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "Linux"
            : "other";
        var framework = RuntimeInformation.FrameworkDescription.Replace('(', ' ').Replace(')', ' ').Trim();
        return $"GptImageHub.Sdk/{version} ({framework}; {os})";
    }
}
