using System.Globalization;
using System.Net;

namespace GptImageHub.Sdk;

/// <summary>
/// Every bound on the SDK's options, in one place: the client's constructor, the DI start-up
/// validator and the batch runner ask these rules and report every failure at once, each message
/// naming its setting. There are deliberately no data-annotation attributes beside them: two
/// sources of bounds drift apart.
/// </summary>
internal static class OptionsRules
{
    // Six times the documented key (gih_live_ and 32 characters), so a longer key format still fits.
    private const int MaxApiKeyLength = 256;

    /// <summary>Checks the client's options; also returns the key and address they resolve to (from the environment when unset).</summary>
    /// <param name="options">The options.</param>
    /// <param name="apiKey">The key the client sends.</param>
    /// <param name="baseAddress">The address the client calls.</param>
    /// <param name="keyFromEnvironment">
    /// Whether an unset key is read from <c>GPTIMAGEHUB_API_KEY</c>: false for a named DI client, since
    /// that key is the default client's, and a named client (another account) missing its own must not
    /// charge the default account.
    /// </param>
    public static List<string> Check(GptImageHubClientOptions options, out string? apiKey, out Uri? baseAddress, bool keyFromEnvironment = true)
    {
        var failures = new List<string>();
        apiKey = string.IsNullOrWhiteSpace(options.ApiKey)
            ? (keyFromEnvironment ? Environment.GetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable) : null)
            : options.ApiKey;
        apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey!.Trim();

        // Named where it came from, as the registration names it (GptImageHub:ApiKey, a delegate), or the variable.
        var keySource = string.IsNullOrWhiteSpace(options.ApiKey)
            ? GptImageHubClientOptions.ApiKeyEnvironmentVariable
            : options.ApiKeySetting ?? nameof(GptImageHubClientOptions.ApiKey);
        if (apiKey is not null && apiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e'))
        {
            // Never echo the key itself: the message may end up in a log.
            failures.Add($"The API key (from {keySource}) contains white space, control or non-ASCII characters; check how it was copied.");
        }
        else if (apiKey is { Length: >= 2 } && apiKey[0] is '"' or '\'' && apiKey[apiKey.Length - 1] == apiKey[0])
        {
            // Copied with the quotes of a .env or JSON file: the service would only say "Invalid API key" about a key
            // that is right inside them.
            failures.Add($"The API key (from {keySource}) is wrapped in quotes, as copied from a .env or JSON file; remove them.");
        }
        else if (apiKey is { Length: > MaxApiKeyLength })
        {
            // A file's contents or a whole clipboard pasted as the key: every request would carry it in a header the
            // service refuses as too large (a 431, which is no documented refusal, so each submit reads as possibly charged).
            failures.Add($"The API key (from {keySource}) is {apiKey.Length} characters long, more than {MaxApiKeyLength}; a key is gih_live_ and 32 characters: check how it was copied.");
        }

        // Named as the user set it: an address from the environment is blamed on the variable, not on a property never set.
        var addressSetting = options.BaseAddress is null ? GptImageHubClientOptions.BaseAddressEnvironmentVariable : nameof(GptImageHubClientOptions.BaseAddress);
        baseAddress = CheckBaseAddress(options.BaseAddress ?? BaseAddressFromEnvironment(failures), options.AllowInsecureHttp, failures, addressSetting);
        RequirePositive(options.RequestTimeout, nameof(GptImageHubClientOptions.RequestTimeout), failures);
        RequirePositive(options.ServerWaitTimeout, nameof(GptImageHubClientOptions.ServerWaitTimeout), failures);
        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"MaxRetries must be between 0 and 10 but is {options.MaxRetries}.");
        }

        if (options.MaxResponseBytes < 1024)
        {
            failures.Add($"MaxResponseBytes must be at least 1024 but is {options.MaxResponseBytes}.");
        }

        if (options.MaxCreditsPerRequest < 0)
        {
            failures.Add($"MaxCreditsPerRequest must not be negative but is {options.MaxCreditsPerRequest}.");
        }

        if (options.ModelCacheDuration < TimeSpan.Zero && options.ModelCacheDuration != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"ModelCacheDuration must not be negative but is {options.ModelCacheDuration}.");
        }

        if (!Enum.IsDefined(typeof(GenerationMode), options.GenerationMode))
        {
            failures.Add($"GenerationMode {(int)options.GenerationMode} is not a defined mode.");
        }

        if (options.DefaultModel is not null && string.IsNullOrWhiteSpace(options.DefaultModel))
        {
            failures.Add("DefaultModel must not be empty or white space; leave it null to make callers name a model.");
        }

        if (options.Polling is null)
        {
            failures.Add("Polling must not be null.");
        }
        else
        {
            Check(options.Polling, "Polling", failures);
        }

        if (options.TimeProvider is null)
        {
            failures.Add("TimeProvider must not be null.");
        }

        return failures;
    }

    /// <summary>Checks a batch's options.</summary>
    public static List<string> Check(BatchOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrency is < 1 or > 1024)
        {
            failures.Add($"BatchOptions.MaxConcurrency must be between 1 and 1024 but is {options.MaxConcurrency}.");
        }

        if (options.CreditBudget < 0)
        {
            failures.Add($"BatchOptions.CreditBudget must not be negative but is {options.CreditBudget}.");
        }

        if (options.Store is not null && options.JournalPath is not null)
        {
            failures.Add("Set BatchOptions.JournalPath or BatchOptions.Store, not both: JournalPath is the file store.");
        }

        if (options.Polling is { } polling)
        {
            Check(polling, "BatchOptions.Polling", failures);
        }

        return failures;
    }

    /// <summary>The failures as one exception whose message lists them all.</summary>
    public static ArgumentException Refuse(List<string> failures, string paramName) =>
        new(string.Join(" ", failures), paramName);

    private static void Check(PollingOptions polling, string prefix, List<string> failures)
    {
        RequirePositive(polling.InitialInterval, prefix + ".InitialInterval", failures);
        RequirePositive(polling.MaxInterval, prefix + ".MaxInterval", failures);
        RequirePositive(polling.Timeout, prefix + ".Timeout", failures);
        if (polling.MaxInterval < polling.InitialInterval)
        {
            failures.Add(string.Format(
                CultureInfo.InvariantCulture,
                "{0}.MaxInterval ({1:0.###} s) must not be shorter than {0}.InitialInterval ({2:0.###} s).",
                prefix,
                polling.MaxInterval.TotalSeconds,
                polling.InitialInterval.TotalSeconds));
        }
    }

    /// <summary>The address in <c>GPTIMAGEHUB_BASE_URL</c>, else the public service.</summary>
    private static Uri? BaseAddressFromEnvironment(List<string> failures)
    {
        var value = Environment.GetEnvironmentVariable(GptImageHubClientOptions.BaseAddressEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return GptImageHubClientOptions.DefaultBaseAddress;
        }

        if (!Uri.TryCreate(value!.Trim(), UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{GptImageHubClientOptions.BaseAddressEnvironmentVariable} ('{value}') is not an absolute http or https URL, such as http://127.0.0.1:5000/; fix or unset it, or set BaseAddress.");
            return null;
        }

        return address;
    }

    private static Uri? CheckBaseAddress(Uri? baseAddress, bool allowInsecureHttp, List<string> failures, string setting)
    {
        if (baseAddress is null)
        {
            // Only an invalid environment variable gets here, and it was reported.
            return null;
        }

        if (!baseAddress.IsAbsoluteUri)
        {
            failures.Add($"{setting} must be an absolute http or https URI, such as https://www.gptimagehub.com/.");
            return null;
        }

        var isHttps = baseAddress.Scheme == Uri.UriSchemeHttps;
        if (!isHttps && baseAddress.Scheme != Uri.UriSchemeHttp)
        {
            failures.Add($"{setting} must use http or https, not '{baseAddress.Scheme}'.");
            return null;
        }

        var valid = true;
        if (!isHttps && !allowInsecureHttp && !IsLoopback(baseAddress))
        {
            failures.Add($"{setting} '{baseAddress.GetLeftPart(UriPartial.Authority)}' uses plain http to a host that is not loopback, which would send the API key in clear text. Use https, or set AllowInsecureHttp = true if you accept that risk.");
            valid = false;
        }

        if (!string.IsNullOrEmpty(baseAddress.UserInfo) || !string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
        {
            failures.Add($"{setting} must not carry user info, a query or a fragment.");
            valid = false;
        }

        if (!valid)
        {
            return null;
        }

        // Relative endpoint paths resolve under the base path only when it ends with a slash.
        return baseAddress.AbsolutePath.EndsWith("/", StringComparison.Ordinal)
            ? baseAddress
            : new Uri(baseAddress.GetLeftPart(UriPartial.Path) + "/");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static void RequirePositive(TimeSpan value, string name, List<string> failures)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{name} must be positive (or Timeout.InfiniteTimeSpan) but is {value}.");
        }
    }
}
