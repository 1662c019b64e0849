using System.Runtime.InteropServices;

namespace GptImageHub.Sdk;

/// <summary>
/// An image the model should draw from, uploaded as a <c>reference_image</c> part. The content is
/// read only while the request is written, so large files never sit in memory.
/// </summary>
public sealed class ReferenceImage
{
    private readonly Func<Stream> _open;
    private readonly bool _ownsStream;

    private ReferenceImage(string fileName, string? contentType, Func<Stream> open, bool ownsStream, long? length, string? path)
    {
        FileName = fileName;
        ContentType = contentType;
        _open = open;
        _ownsStream = ownsStream;
        Length = length;
        Path = path;
    }

    /// <summary>The file name sent in the part's <c>Content-Disposition</c>.</summary>
    public string FileName { get; }

    /// <summary>The content type the caller gave, or null to detect it from the content.</summary>
    public string? ContentType { get; }

    /// <summary>The content's length in bytes, when it is known before reading.</summary>
    public long? Length { get; }

    internal string? Path { get; }

    internal bool OwnsStream => _ownsStream;

    /// <summary>Uses a file on disk; it is opened only while the request is sent, and always closed.</summary>
    /// <param name="path">The file's path.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static ReferenceImage FromFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The reference image path must not be empty.", nameof(path));
        }

        var fullPath = System.IO.Path.GetFullPath(path);
        long? length = File.Exists(fullPath) ? new FileInfo(fullPath).Length : null;
        return new ReferenceImage(
            System.IO.Path.GetFileName(fullPath),
            contentType: null,
            () => new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan),
            ownsStream: true,
            length,
            fullPath);
    }

    /// <summary>Uses a stream the caller owns; it is read from its current position and not closed.</summary>
    /// <param name="content">The image content.</param>
    /// <param name="fileName">The file name to send, such as <c>product.png</c>.</param>
    /// <param name="contentType">The content type, or null to detect it from the first bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty, or <paramref name="content"/> cannot be read.</exception>
    public static ReferenceImage FromStream(Stream content, string fileName, string? contentType = null)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        if (!content.CanRead)
        {
            throw new ArgumentException("The reference image stream must be readable.", nameof(content));
        }

        ValidateFileName(fileName);
        long? length = content.CanSeek ? content.Length - content.Position : null;
        return new ReferenceImage(fileName, contentType, () => content, ownsStream: false, length, path: null);
    }

    /// <summary>Uses bytes already in memory.</summary>
    /// <param name="content">The image content.</param>
    /// <param name="fileName">The file name to send, such as <c>product.png</c>.</param>
    /// <param name="contentType">The content type, or null to detect it from the first bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty.</exception>
    public static ReferenceImage FromBytes(ReadOnlyMemory<byte> content, string fileName, string? contentType = null)
    {
        ValidateFileName(fileName);
        return new ReferenceImage(fileName, contentType, () => OpenMemory(content), ownsStream: true, content.Length, path: null);
    }

    internal Stream Open() => _open();

    /// <summary>Returns the file name, for diagnostics.</summary>
    public override string ToString() => FileName;

    private static MemoryStream OpenMemory(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    private static void ValidateFileName(string fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            throw new ArgumentException("The reference image file name must not be empty.", nameof(fileName));
        }
    }
}
