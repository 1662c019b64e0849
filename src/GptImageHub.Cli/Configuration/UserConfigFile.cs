using System.Text.Json;
using GptImageHub.Cli.Failures;

namespace GptImageHub.Cli.Configuration;

/// <summary>
/// Finds and reads the user config file: <c>$XDG_CONFIG_HOME/gih/config.json</c>, else
/// <c>%APPDATA%\gih\config.json</c> on Windows, else <c>~/.config/gih/config.json</c>.
/// </summary>
internal static class UserConfigFile
{
    /// <summary>Where the config file is looked for; null when no home folder is known.</summary>
    public static string? Locate(Func<string, string?> getVariable)
    {
        var xdg = getVariable("XDG_CONFIG_HOME");
        if (!string.IsNullOrWhiteSpace(xdg))
        {
            return Path.Combine(xdg, "gih", "config.json");
        }

        if (OperatingSystem.IsWindows() && getVariable("APPDATA") is { Length: > 0 } appData)
        {
            return Path.Combine(appData, "gih", "config.json");
        }

        var home = getVariable("HOME") ?? getVariable("USERPROFILE");
        return string.IsNullOrWhiteSpace(home) ? null : Path.Combine(home, ".config", "gih", "config.json");
    }

    /// <summary>Reads the file at <paramref name="path"/>; an absent file is an empty config.</summary>
    /// <exception cref="UsageException">The file exists but is not a JSON object gih can read.</exception>
    public static UserConfig Read(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new UserConfig();
        }

        try
        {
            var text = File.ReadAllText(path);
            RequireKnownSettings(path, text);
            return JsonSerializer.Deserialize(text, UserConfigJsonContext.Default.UserConfig) ?? new UserConfig();
        }
        catch (JsonException ex)
        {
            throw new UsageException($"The config file {path} is not valid JSON (line {(ex.LineNumber ?? 0) + 1}); expected {{\"apiKey\": \"...\", \"baseUrl\": \"...\", \"defaultModel\": \"...\"}}.", ex);
        }
        catch (IOException ex)
        {
            throw new UsageException($"The config file {path} could not be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UsageException($"The config file {path} could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Refuses a setting gih does not know, such as <c>"api_key"</c>: ignoring it would leave the user
    /// with "No API key" and no clue. Names are matched ignoring case, as gih reads them.
    /// </summary>
    private static void RequireKnownSettings(string path, string text)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"The config file {path} must hold one JSON object, such as {{\"apiKey\": \"gih_live_...\", \"baseUrl\": \"https://...\"}}.");
        }

        // The settings' names come from the generated reader, so each is written once (UserConfig).
        var names = UserConfigJsonContext.Default.UserConfig.Properties.Select(p => p.Name).ToArray();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!names.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                var meant = property.Name.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
                var suggestion = names.FirstOrDefault(name => name.Equals(meant, StringComparison.OrdinalIgnoreCase)) is { } close ? $" (did you mean \"{close}\"?)" : string.Empty;
                throw new UsageException($"The config file {path} has a setting gih does not know: \"{property.Name}\"{suggestion}. It reads {string.Join(", ", names.Select(name => $"\"{name}\""))}.");
            }

            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                throw new UsageException($"The config file {path}: \"{property.Name}\" must be a string.");
            }
        }
    }
}
