using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GptImageHub.Sdk;

/// <summary>
/// The validated, immutable copy of <see cref="GptImageHubClientOptions"/> a client runs on, so
/// later changes to the options object cannot change a live client.
/// </summary>
internal sealed class ClientSettings
{
    private ClientSettings(GptImageHubClientOptions options, string? apiKey, Uri baseAddress)
    {
        ApiKey = apiKey;
        AuthorizationHeader = apiKey is null ? null : "Bearer " + apiKey;
        BaseAddress = baseAddress;
        GenerationMode = options.GenerationMode;
        RequestTimeout = options.RequestTimeout;
        ServerWaitTimeout = options.ServerWaitTimeout;
        MaxRetries = options.MaxRetries;
        MaxResponseBytes = options.MaxResponseBytes;
        MaxCreditsPerRequest = options.MaxCreditsPerRequest;
        CheckBalanceBeforeSubmit = options.CheckBalanceBeforeSubmit;
        ModelCacheDuration = options.ModelCacheDuration;
        Polling = options.Polling.Clone();
        TimeProvider = options.TimeProvider;
    }

    public static string UserAgent { get; } = CreateUserAgent();

    public string? ApiKey { get; }

    /// <summary>The <c>Authorization</c> value, built once: the key is checked for white space and control characters, so it is a valid header as it is.</summary>
    public string? AuthorizationHeader { get; }

    public Uri BaseAddress { get; }

    public GenerationMode GenerationMode { get; }

    public TimeSpan RequestTimeout { get; }

    public TimeSpan ServerWaitTimeout { get; }

    public int MaxRetries { get; }

    public long MaxResponseBytes { get; }

    public long? MaxCreditsPerRequest { get; }

    public bool CheckBalanceBeforeSubmit { get; }

    public TimeSpan ModelCacheDuration { get; }

    public PollingOptions Polling { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Checks every setting and copies them.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public static ClientSettings Create(GptImageHubClientOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var apiKey = string.IsNullOrWhiteSpace(options.ApiKey)
            ? Environment.GetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable)
            : options.ApiKey;
        apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey!.Trim();
        if (apiKey is not null && apiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e'))
        {
            // Never echo the key itself: the message may end up in a log.
            throw new ArgumentException("The API key contains white space, control or non-ASCII characters; check how it was copied.", nameof(options));
        }

        var baseAddress = ValidateBaseAddress(options.BaseAddress ?? BaseAddressFromEnvironment(), options.AllowInsecureHttp);
        RequirePositive(options.RequestTimeout, nameof(GptImageHubClientOptions.RequestTimeout));
        RequirePositive(options.ServerWaitTimeout, nameof(GptImageHubClientOptions.ServerWaitTimeout));
        if (options.MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException($"MaxRetries must be between 0 and 10 but is {options.MaxRetries}.", nameof(options));
        }

        if (options.MaxResponseBytes < 1024)
        {
            throw new ArgumentException($"MaxResponseBytes must be at least 1024 but is {options.MaxResponseBytes}.", nameof(options));
        }

        if (options.MaxCreditsPerRequest < 0)
        {
            throw new ArgumentException($"MaxCreditsPerRequest must not be negative but is {options.MaxCreditsPerRequest}.", nameof(options));
        }

        if (options.ModelCacheDuration < TimeSpan.Zero && options.ModelCacheDuration != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"ModelCacheDuration must not be negative but is {options.ModelCacheDuration}.", nameof(options));
        }

        if (!Enum.IsDefined(typeof(GenerationMode), options.GenerationMode))
        {
            throw new ArgumentException($"GenerationMode {(int)options.GenerationMode} is not a defined mode.", nameof(options));
        }

        var polling = options.Polling ?? throw new ArgumentException("Polling must not be null.", nameof(options));
        RequirePositive(polling.InitialInterval, "Polling.InitialInterval");
        RequirePositive(polling.MaxInterval, "Polling.MaxInterval");
        RequirePositive(polling.Timeout, "Polling.Timeout");
        if (polling.MaxInterval < polling.InitialInterval)
        {
            throw new ArgumentException(
                $"Polling.MaxInterval ({polling.MaxInterval.TotalSeconds:0.###} s) must not be shorter than Polling.InitialInterval ({polling.InitialInterval.TotalSeconds:0.###} s).",
                nameof(options));
        }

        if (options.TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider must not be null.", nameof(options));
        }

        return new ClientSettings(options, apiKey, baseAddress);
    }

    /// <summary>Whether <paramref name="uri"/> has the API's scheme, host and port, the only origin that may see the key.</summary>
    public bool IsApiOrigin(Uri uri) =>
        uri.IsAbsoluteUri
        && string.Equals(uri.Scheme, BaseAddress.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, BaseAddress.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == BaseAddress.Port;

    /// <summary>The address in <c>GPTIMAGEHUB_BASE_URL</c>, else the public service.</summary>
    private static Uri BaseAddressFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(GptImageHubClientOptions.BaseAddressEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return GptImageHubClientOptions.DefaultBaseAddress;
        }

        if (!Uri.TryCreate(value!.Trim(), UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException(
                $"{GptImageHubClientOptions.BaseAddressEnvironmentVariable} ('{value}') is not an absolute http or https URL, such as http://127.0.0.1:5000/; fix or unset it, or set BaseAddress.",
                "options");
        }

        return address;
    }

    private static Uri ValidateBaseAddress(Uri? baseAddress, bool allowInsecureHttp)
    {
        if (baseAddress is null || !baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("BaseAddress must be an absolute http or https URI, such as https://www.gptimagehub.com/.", nameof(baseAddress));
        }

        var isHttps = baseAddress.Scheme == Uri.UriSchemeHttps;
        if (!isHttps && baseAddress.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"BaseAddress must use http or https, not '{baseAddress.Scheme}'.", nameof(baseAddress));
        }

        if (!isHttps && !allowInsecureHttp && !IsLoopback(baseAddress))
        {
            throw new ArgumentException(
                $"BaseAddress '{baseAddress.GetLeftPart(UriPartial.Authority)}' uses plain http to a host that is not loopback, which would send the API key in clear text. Use https, or set AllowInsecureHttp = true if you accept that risk.",
                nameof(baseAddress));
        }

        if (!string.IsNullOrEmpty(baseAddress.UserInfo) || !string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
        {
            throw new ArgumentException("BaseAddress must not carry user info, a query or a fragment.", nameof(baseAddress));
        }

        // Relative endpoint paths resolve under the base path only when it ends with a slash.
        return baseAddress.AbsolutePath.EndsWith("/", StringComparison.Ordinal)
            ? baseAddress
            : new Uri(baseAddress.GetLeftPart(UriPartial.Path) + "/");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"{name} must be positive (or Timeout.InfiniteTimeSpan) but is {value}.", name);
        }
    }

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
