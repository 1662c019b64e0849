using GptImageHub.Cli.Commands;

namespace GptImageHub.Cli.Failures;

/// <summary>
/// The commands gih prints for the user to run next (resume a wait, save images, inspect a job).
/// Each works when pasted into the same shell: it starts the way this run was started (<c>gih</c>,
/// or <c>dotnet run --project ...</c> from a clone) and repeats <c>--base-url</c> and
/// <c>--api-key-env</c> when the run used them. A key given with <c>--api-key</c> is never printed:
/// the hint says to add it.
/// </summary>
internal static class ResumeHint
{
    public static string WaitCommand(CommandContext context, string generationId, string? directory) =>
        directory is null ? Build(context, "wait", generationId) : Build(context, "wait", generationId, "--out", directory);

    public static string DownloadCommand(CommandContext context, string generationId, string directory) =>
        Build(context, "download", generationId, "--out", directory);

    public static string GetCommand(CommandContext context, string generationId) => Build(context, "get", generationId);

    public static string CreditsCommand(CommandContext context) => Build(context, "credits");

    private static string Build(CommandContext context, params string[] arguments)
    {
        var words = new List<string>(arguments);
        var connection = context.Connection;
        if (connection?.BaseUrlFromFlag == true)
        {
            words.Add("--base-url");
            words.Add(connection.BaseAddress.ToString());
        }

        if (connection?.KeyVariableFlag is { } variable)
        {
            words.Add("--api-key-env");
            words.Add(variable);
        }

        var command = context.Environment.CommandName + " " + string.Join(' ', words.Select(Quote));
        return connection?.KeyFromFlag == true ? command + " --api-key <your key> (or --api-key-env VARIABLE)" : command;
    }

    // Quoted only when needed, so the common case stays easy to read and paste.
    private static string Quote(string word) =>
        word.Length == 0 || word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '$' or '`' or '\\' or '&' or ';' or '|' or '(' or ')' or '<' or '>' or '*' or '?')
            ? "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : word;
}
