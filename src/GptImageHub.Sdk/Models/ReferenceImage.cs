using System.Runtime.InteropServices;

namespace GptImageHub.Sdk;

/// <summary>
/// An image the model should draw from, uploaded as a <c>reference_image</c> part. The content is
/// read only while the request is written, so large files never sit in memory. PNG, JPEG and WebP
/// are accepted, recognised by their first bytes; at most 50 MB each.
/// </summary>
public sealed class ReferenceImage
{
    private ReferenceImage(string fileName, string? contentType, string? path, Stream? stream, ReadOnlyMemory<byte> bytes)
    {
        FileName = fileName;
        ContentType = contentType;
        Path = path;
        Stream = stream;
        Bytes = bytes;
    }

    /// <summary>The file name the caller gave (sent, made safe, in the part's <c>Content-Disposition</c>).</summary>
    public string FileName { get; }

    /// <summary>The content type the caller gave, or null to use the one detected from the content.</summary>
    public string? ContentType { get; }

    internal string? Path { get; }

    internal Stream? Stream { get; }

    internal ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Uses a file on disk. It is opened to check its first bytes, and again only while the request is sent; it is always closed.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The reference image.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static ReferenceImage FromFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The reference image path must not be empty.", nameof(path));
        }

        var fullPath = System.IO.Path.GetFullPath(path);
        return new ReferenceImage(System.IO.Path.GetFileName(fullPath), contentType: null, fullPath, stream: null, bytes: default);
    }

    /// <summary>
    /// Uses a stream the caller owns; it is read from its current position and not closed. A
    /// seekable stream is checked in full before sending; a stream that cannot seek is checked by its
    /// first bytes, and its 50 MB limit while it is sent. A batch reads a seekable stream once more
    /// before its first request, to fingerprint its bytes, and puts it back where it was.
    /// </summary>
    /// <param name="content">The image content.</param>
    /// <param name="fileName">The file name to send, such as <c>product.png</c>.</param>
    /// <param name="contentType">The content type, or null to use the one detected from the first bytes.</param>
    /// <returns>The reference image.</returns>
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
        return new ReferenceImage(fileName, contentType, path: null, content, bytes: default);
    }

    /// <summary>Uses bytes already in memory.</summary>
    /// <param name="content">The image content.</param>
    /// <param name="fileName">The file name to send, such as <c>product.png</c>.</param>
    /// <param name="contentType">The content type, or null to use the one detected from the first bytes.</param>
    /// <returns>The reference image.</returns>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty.</exception>
    public static ReferenceImage FromBytes(ReadOnlyMemory<byte> content, string fileName, string? contentType = null)
    {
        ValidateFileName(fileName);
        return new ReferenceImage(fileName, contentType, path: null, stream: null, content);
    }

    /// <summary>Returns the file name, for diagnostics.</summary>
    /// <returns>The file name.</returns>
    public override string ToString() => FileName;

    internal static MemoryStream OpenMemory(ReadOnlyMemory<byte> content) =>
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
