using GptImageHub.Sdk;

namespace GptImageHub.Cli;

/// <summary>
/// Everything a run of gih reads from or writes to outside its arguments. <see cref="Program"/>
/// passes the process's console and environment; tests pass captured writers and a dictionary, so
/// commands run in-process without touching the machine's settings.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Standard output: tables, progress and results, or the JSON document with <c>--json</c>.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: one line per failure.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable; null when it is not set.</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Whether standard output goes to a file or a pipe rather than a terminal: no colours, no live display.</summary>
    public bool IsOutputRedirected { get; init; } = true;

    /// <summary>The folder relative paths such as <c>./output</c> resolve against.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>
    /// Adjusts the SDK options after gih has filled them in. Not reachable from the command line:
    /// tests shorten polling, retries and timeouts through it.
    /// </summary>
    public Action<GptImageHubClientOptions>? ConfigureClient { get; init; }

    /// <summary>The real process: its console streams, environment variables and current folder.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        GetVariable = Environment.GetEnvironmentVariable,
        IsOutputRedirected = Console.IsOutputRedirected,
        WorkingDirectory = Environment.CurrentDirectory,
    };

    /// <summary>Resolves a path the user typed against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
