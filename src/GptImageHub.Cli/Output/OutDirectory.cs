using GptImageHub.Cli.Commands;
using GptImageHub.Cli.Failures;

namespace GptImageHub.Cli.Output;

/// <summary>
/// The folder <c>gih generate</c> and <c>gih batch</c> save images in, made and tried with a file before anything is
/// submitted: a folder that cannot be made (a file of that name, no permission) or takes no file (a read-only mount) was
/// found only when the first images were saved, after the service had been paid.
/// </summary>
internal static class OutDirectory
{
    /// <summary>The full path of <c>--out</c>, or of <c>./output</c> without one.</summary>
    public static string Resolve(CliEnvironment environment, string? given) =>
        environment.ResolvePath(given ?? GenerateCommand.DefaultOutDirectory);

    /// <summary>Makes the folder <paramref name="directory"/> (a full path) and its parents, and checks that it takes a file.</summary>
    /// <exception cref="UsageException">The folder cannot be made or written to; nothing has been submitted.</exception>
    public static void Create(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);

            // A folder that exists is no proof that it takes files (a read-only mount, no write permission): found only at
            // the first save, that cost a paid generation. An empty file, deleted as it closes, is the one sure test.
            using (new FileStream(
                Path.Combine(directory, $".gih-write-check-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"The images cannot be saved in '{directory}' ({ex.Message}); nothing was submitted. Choose another folder with --out.", ex);
        }
    }
}
