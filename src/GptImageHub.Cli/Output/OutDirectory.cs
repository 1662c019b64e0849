using GptImageHub.Cli.Commands;
using GptImageHub.Cli.Failures;

namespace GptImageHub.Cli.Output;

/// <summary>
/// The folder <c>gih generate</c> and <c>gih batch</c> save images in, made before anything is submitted: a folder that
/// cannot be made (a file of that name, no permission) was found only when the first images were saved, after the
/// service had been paid.
/// </summary>
internal static class OutDirectory
{
    /// <summary>The full path of <c>--out</c>, or of <c>./output</c> without one.</summary>
    public static string Resolve(CliEnvironment environment, string? given) =>
        environment.ResolvePath(given ?? GenerateCommand.DefaultOutDirectory);

    /// <summary>Makes the folder <paramref name="directory"/> (a full path) and its parents.</summary>
    /// <exception cref="UsageException">The folder cannot be made; nothing has been submitted.</exception>
    public static void Create(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"The images cannot be saved in '{directory}' ({ex.Message}); nothing was submitted. Choose another folder with --out.", ex);
        }
    }
}
