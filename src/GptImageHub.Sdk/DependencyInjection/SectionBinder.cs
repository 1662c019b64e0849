using Microsoft.Extensions.Configuration;

namespace GptImageHub.Sdk.DependencyInjection;

/// <summary>
/// Binds a configuration section to the options without the binder's own failure: it stops at the first value it cannot
/// convert (<c>"RequestTimeout": "banana"</c>) with an <see cref="InvalidOperationException"/> that quotes the value, so
/// a start-up named one bad setting at a time, and a key pasted into the wrong setting was printed whole. Here every
/// value that cannot be converted is named by its path and type, never quoted, and reported with the other rules'
/// failures by <see cref="GptImageHubClientOptionsValidator"/>; the values that can be are bound.
/// </summary>
internal static class SectionBinder
{
    public static void Bind(IConfiguration section, GptImageHubClientOptions options)
    {
        options.ApiKeySetting = KeySetting(section);
        try
        {
            section.Bind(options);
            options.BindingFailures = null;
            return;
        }
        catch (InvalidOperationException)
        {
            // Found below, value by value: the binder's message quotes the value, and names only the first.
        }

        var prefix = section is IConfigurationSection { Path: { Length: > 0 } path } ? path + ConfigurationPath.KeyDelimiter : string.Empty;
        var failures = new List<string>();
        var good = new List<KeyValuePair<string, string?>>();
        foreach (var pair in section.AsEnumerable(makePathsRelative: true))
        {
            if (pair.Value is null)
            {
                continue;
            }

            try
            {
                new ConfigurationBuilder().AddInMemoryCollection([pair]).Build().Bind(new GptImageHubClientOptions());
                good.Add(pair);
            }
            catch (InvalidOperationException ex)
            {
                var type = TargetType(ex.Message);
                failures.Add($"{prefix}{pair.Key} cannot be read as {("AEIOUaeiou".IndexOf(type[0]) >= 0 ? "an" : "a")} {type}.");
            }
        }

        failures.Sort(StringComparer.Ordinal);
        new ConfigurationBuilder().AddInMemoryCollection(good).Build().Bind(options);
        options.BindingFailures = failures;
    }

    /// <summary>
    /// The key's configuration path, and the environment variable that sets it through the host's environment provider
    /// (<c>GptImageHub:ApiKey</c>, <c>GptImageHub__ApiKey</c>); a section without a path (a root) names <c>ApiKey</c>.
    /// </summary>
    private static string KeySetting(IConfiguration section)
    {
        var path = (section is IConfigurationSection { Path: { Length: > 0 } prefix } ? prefix + ConfigurationPath.KeyDelimiter : string.Empty)
            + nameof(GptImageHubClientOptions.ApiKey);
        return $"{path} in configuration (environment variable {path.Replace(ConfigurationPath.KeyDelimiter, "__")})";
    }

    /// <summary>The short name of the type the binder's message names ("... to type 'System.TimeSpan'." -> TimeSpan).</summary>
    private static string TargetType(string message)
    {
        const string Marker = "to type '";
        var start = message.LastIndexOf(Marker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + Marker.Length);
        if (end < 0)
        {
            return "value";
        }

        var type = message.Substring(start + Marker.Length, end - start - Marker.Length);
        return type.Substring(type.LastIndexOf('.') + 1);
    }
}
