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

    /// <summary>Opens standard input (<c>gih batch -</c> reads its items there).</summary>
    public Func<Stream> OpenInput { get; init; } = Console.OpenStandardInput;

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

    /// <summary>
    /// How the user started this program, so that every command gih prints can be pasted as it is:
    /// <c>gih</c> for the installed tool, <c>dotnet run --project src/GptImageHub.Cli --</c> from a clone.
    /// </summary>
    public string CommandName { get; init; } = InstalledCommandName;

    /// <summary>The installed tool's command.</summary>
    public const string InstalledCommandName = "gih";

    /// <summary>The command that runs gih from a clone of the repository, at its root.</summary>
    public const string FromSourceCommandName = "dotnet run --project src/GptImageHub.Cli --";

    /// <summary>The real process: its console streams, environment variables and current folder.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        GetVariable = Environment.GetEnvironmentVariable,
        IsOutputRedirected = Console.IsOutputRedirected,
        WorkingDirectory = Environment.CurrentDirectory,
        CommandName = CommandNameOf(Environment.ProcessPath),
    };

    /// <summary>
    /// The command from a clone when the process is the project's own executable (what <c>dotnet run</c>
    /// starts, <c>GptImageHub.Cli</c>); otherwise <c>gih</c>, the installed tool's launcher.
    /// </summary>
    public static string CommandNameOf(string? processPath) =>
        Path.GetFileName(processPath) is "GptImageHub.Cli" or "GptImageHub.Cli.exe"
            ? FromSourceCommandName
            : InstalledCommandName;

    /// <summary>Resolves a path the user typed against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
