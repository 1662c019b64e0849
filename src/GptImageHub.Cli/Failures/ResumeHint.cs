namespace GptImageHub.Cli.Failures;

/// <summary>The command that picks up a submitted generation again, printed whenever a run ends before saving it.</summary>
internal static class ResumeHint
{
    public static string WaitCommand(string generationId, string? directory) =>
        directory is null ? $"gih wait {generationId}" : $"gih wait {generationId} --out {Quote(directory)}";

    public static string DownloadCommand(string generationId, string directory) =>
        $"gih download {generationId} --out {Quote(directory)}";

    // Quoted only when needed, so the common case stays easy to read and paste.
    private static string Quote(string path) =>
        path.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '$' or '`' or '\\' or '&' or ';' or '|' or '(' or ')')
            ? "\"" + path.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : path;
}
