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
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, UserConfigJsonContext.Default.UserConfig) ?? new UserConfig();
        }
        catch (JsonException ex)
        {
            throw new UsageException($"The config file {path} is not valid JSON ({ex.Message}); expected {{\"apiKey\": \"...\", \"baseUrl\": \"...\"}}.", ex);
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
}
