using System.Globalization;
using System.Text;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// A reference image checked and ready to stream: its safe file name, detected content type and
/// length. <c>PrepareAsync</c> applies every rule before a byte is sent, so a bad file
/// costs no round trip and no credits.
/// </summary>
internal sealed class ReferenceImageUpload
{
    /// <summary>The API's limit for one reference image: 50 MB.</summary>
    public const long MaxBytes = 50L * 1024 * 1024;

    /// <summary>The largest <c>reference_image_limit</c> the API documents (gpt-image-2), used while no <c>/models</c> answer is cached.</summary>
    public const int DocumentedMaxCount = 16;

    private readonly ReferenceImage _source;
    private readonly long _startPosition;
    private readonly byte[]? _consumedPrefix;
    private bool _streamConsumed;

    private ReferenceImageUpload(ReferenceImage source, int index, string contentType, long? length, long startPosition, byte[]? consumedPrefix)
    {
        _source = source;
        Index = index;
        ContentType = contentType;
        Length = length;
        _startPosition = startPosition;
        _consumedPrefix = consumedPrefix;
        FileName = SafeFileName(source.FileName, contentType);
    }

    public int Index { get; }

    public string FileName { get; }

    public string ContentType { get; }

    /// <summary>The byte count, or null for a stream that cannot seek.</summary>
    public long? Length { get; }

    public string Describe() => Describe(Index, _source.FileName);

    /// <summary>Checks every image against the API's rules.</summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the image and the rule.</exception>
    public static async Task<IReadOnlyList<ReferenceImageUpload>> PrepareAsync(IList<ReferenceImage> images, string model, int limit, bool limitFromModels, CancellationToken cancellationToken)
    {
        if (images.Count > limit)
        {
            var source = limitFromModels ? $"model '{model}' accepts at most {limit}" : $"the API accepts at most {limit} (the largest model limit it documents)";
            throw new ArgumentException($"The request has {images.Count} reference images, but {source}.", nameof(images));
        }

        var uploads = new ReferenceImageUpload[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Reference image #{i + 1} is null.", nameof(images));
            uploads[i] = await PrepareOneAsync(image, i, cancellationToken).ConfigureAwait(false);
        }

        return uploads;
    }

    /// <summary>Opens the content for one send, positioned at its start. The caller disposes the result.</summary>
    public Stream Open()
    {
        if (_source.Path is { } path)
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        if (_source.Stream is not { } stream)
        {
            return ReferenceImage.OpenMemory(_source.Bytes);
        }

        if (stream.CanSeek)
        {
            stream.Position = _startPosition;
            return new BorrowedStream(stream, prefix: null);
        }

        if (_streamConsumed)
        {
            throw new ReferenceImageException($"{Describe()} is a stream that cannot seek and was already sent once, so the request cannot be sent again.") { FileName = _source.FileName };
        }

        _streamConsumed = true;
        return new BorrowedStream(stream, _consumedPrefix);
    }

    private static async Task<ReferenceImageUpload> PrepareOneAsync(ReferenceImage image, int index, CancellationToken cancellationToken)
    {
        var header = new byte[ImageFormat.SignatureLength];
        int headerLength;
        long? length;
        long start = 0;
        byte[]? consumedPrefix = null;

        if (image.Path is { } path)
        {
            if (!File.Exists(path))
            {
                throw new ArgumentException($"{Describe(index, image.FileName)} does not exist: {path}.", nameof(image));
            }

            length = new FileInfo(path).Length;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous);
            headerLength = await ReadHeaderAsync(file, header, cancellationToken).ConfigureAwait(false);
        }
        else if (image.Stream is { } stream)
        {
            if (stream.CanSeek)
            {
                start = stream.Position;
                length = stream.Length - start;
                headerLength = await ReadHeaderAsync(stream, header, cancellationToken).ConfigureAwait(false);
                stream.Position = start;
            }
            else
            {
                length = null;
                headerLength = await ReadHeaderAsync(stream, header, cancellationToken).ConfigureAwait(false);
                consumedPrefix = header.AsSpan(0, headerLength).ToArray();
            }
        }
        else
        {
            length = image.Bytes.Length;
            headerLength = Math.Min(header.Length, image.Bytes.Length);
            image.Bytes.Span.Slice(0, headerLength).CopyTo(header);
        }

        if (length == 0 || headerLength == 0)
        {
            throw new ArgumentException($"{Describe(index, image.FileName)} is empty.", nameof(image));
        }

        if (length > MaxBytes)
        {
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, "{0} is {1:0.#} MB; the API accepts at most 50 MB per image.", Describe(index, image.FileName), length.Value / (1024.0 * 1024.0)),
                nameof(image));
        }

        var detected = ImageFormat.Detect(header.AsSpan(0, headerLength))
            ?? throw new ArgumentException($"{Describe(index, image.FileName)} is not a PNG, JPEG or WebP image (judged by its first bytes, not its name).", nameof(image));

        if (image.ContentType is { } given && ImageFormat.Normalize(given) != detected)
        {
            throw new ArgumentException($"{Describe(index, image.FileName)} was given as '{given}' but its content is {detected}.", nameof(image));
        }

        return new ReferenceImageUpload(image, index, detected, length, start, consumedPrefix);
    }

    private static async Task<int> ReadHeaderAsync(Stream stream, byte[] header, CancellationToken cancellationToken)
    {
        var total = 0;
        int read;
#if NET
        while (total < header.Length && (read = await stream.ReadAsync(header.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
#else
        while (total < header.Length && (read = await stream.ReadAsync(header, total, header.Length - total, cancellationToken).ConfigureAwait(false)) > 0)
#endif
        {
            total += read;
        }

        return total;
    }

    private static string Describe(int index, string fileName) => $"Reference image #{index + 1} '{fileName}'";

    /// <summary>
    /// The name as it goes into <c>Content-Disposition</c>: no directory, no quotes or control
    /// characters, and non-ASCII percent-encoded as UTF-8 (RFC 7578, section 4.2).
    /// </summary>
    internal static string SafeFileName(string fileName, string contentType)
    {
        var name = fileName.Substring(Math.Max(fileName.LastIndexOf('/'), fileName.LastIndexOf('\\')) + 1);
        var builder = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (b < 0x20 || b == 0x7F)
            {
                continue;
            }

            if (b is (byte)'"' or (byte)'\\' or (byte)'%' or >= 0x80)
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        var safe = builder.ToString().Trim().TrimStart('.');
        if (safe.Length == 0)
        {
            safe = "image" + (contentType == ImageFormat.Png ? ".png" : contentType == ImageFormat.Jpeg ? ".jpg" : ".webp");
        }

        return safe;
    }
}
