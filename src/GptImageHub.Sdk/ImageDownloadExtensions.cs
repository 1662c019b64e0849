using System.Globalization;
using System.Text;

namespace GptImageHub.Sdk;

/// <summary>Saves a generation's images to disk.</summary>
public static class ImageDownloadExtensions
{
    private static readonly string[] KnownExtensions = [".png", ".jpg", ".jpeg", ".webp"];

    /// <summary>
    /// Streams every image of <paramref name="generation"/> into <paramref name="directory"/> as
    /// <c>{generation id}-{n}.{png|jpg|webp}</c>. File names are built from the id and the URL's
    /// extension with every character outside <c>[A-Za-z0-9_-]</c> replaced, so nothing the server
    /// sends can write outside <paramref name="directory"/>. A file is written under a temporary name
    /// and renamed when complete, so a failed download leaves no half image.
    /// </summary>
    /// <param name="client">The client to download with.</param>
    /// <param name="generation">The succeeded generation.</param>
    /// <param name="directory">The folder; created when missing.</param>
    /// <param name="cancellationToken">Cancels the downloads.</param>
    /// <returns>The full paths written, in the order of <see cref="ImageGeneration.Images"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="GptImageHubException">A download failed.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static async Task<IReadOnlyList<string>> SaveImagesAsync(
        this IGptImageHubClient client, ImageGeneration generation, string directory, CancellationToken cancellationToken = default)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (generation is null)
        {
            throw new ArgumentNullException(nameof(generation));
        }

        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException("The directory must not be empty.", nameof(directory));
        }

        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var paths = new List<string>(generation.Images.Count);
        for (var i = 0; i < generation.Images.Count; i++)
        {
            var image = generation.Images[i];
            var path = Path.Combine(root, FileNameFor(generation.Id, i, image.Url));
            var partial = path + ".partial";
            try
            {
                using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    await client.DownloadImageAsync(image, file, cancellationToken).ConfigureAwait(false);
                }

                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                File.Move(partial, path);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }

            paths.Add(path);
        }

        return paths;
    }

    /// <summary>A file name that is only letters, digits, '-' and '_' plus a known image extension.</summary>
    internal static string FileNameFor(string generationId, int index, Uri url)
    {
        var name = new StringBuilder(Math.Min(generationId.Length, 80) + 12);
        foreach (var c in generationId)
        {
            if (name.Length == 80)
            {
                break;
            }

            name.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' ? c : '_');
        }

        if (name.Length == 0)
        {
            name.Append("image");
        }

        name.Append('-').Append((index + 1).ToString(CultureInfo.InvariantCulture));
        var path = url.IsAbsoluteUri ? url.AbsolutePath : url.OriginalString;
        // Parsed by hand: Path.GetExtension throws on characters .NET Framework deems invalid.
        var segment = path.Split('?', '#')[0];
        segment = segment.Substring(segment.LastIndexOf('/') + 1);
        var dot = segment.LastIndexOf('.');
        var extension = dot >= 0 ? segment.Substring(dot).ToLowerInvariant() : string.Empty;
        return name.Append(Array.IndexOf(KnownExtensions, extension) >= 0 ? extension : ".png").ToString();
    }
}
