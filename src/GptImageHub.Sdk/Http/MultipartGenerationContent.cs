using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// The <c>multipart/form-data</c> body of a generation with reference images: one text part per
/// set field (names and values as the JSON body has them), then one <c>reference_image</c> part
/// per image. Images are streamed from their source while the request is written, through one
/// pooled buffer, so memory stays flat however large they are.
/// </summary>
internal sealed class MultipartGenerationContent : HttpContent, IWrittenBody
{
    private const int CopyBufferSize = 81920;
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly string _boundary;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _fields;
    private readonly IReadOnlyList<ReferenceImageUpload> _images;

    public MultipartGenerationContent(IReadOnlyList<KeyValuePair<string, string>> fields, IReadOnlyList<ReferenceImageUpload> images, string? boundary = null)
    {
        _fields = fields;
        _images = images;
        _boundary = boundary ?? "gih-" + Guid.NewGuid().ToString("N");
        var contentType = new MediaTypeHeaderValue("multipart/form-data");
        contentType.Parameters.Add(new NameValueHeaderValue("boundary", _boundary));
        Headers.ContentType = contentType;
    }

    /// <summary>Why writing the body failed on the caller's side (an image stream threw or grew too large), as opposed to the network.</summary>
    public Exception? SourceFailure { get; private set; }

    private readonly BodyWrites _written = new();

    /// <inheritdoc/>
    public int Writes => _written.Writes;

    /// <inheritdoc/>
    public bool Copied => _written.Copied;

    /// <inheritdoc/>
    public Uri? RedirectedTo => _written.RedirectedTo;

    /// <inheritdoc/>
    public Uri? MovedSinceWritten => _written.MovedSinceWritten;

    /// <inheritdoc/>
    public void Carry(HttpRequestMessage request) => _written.Carry(request);

    /// <summary>The text parts of a request, in the JSON body's order.</summary>
    public static List<KeyValuePair<string, string>> Fields(ImageGenerationRequest request, bool submitAsync)
    {
        var sink = new GenerationRequestFields.TextSink(new List<KeyValuePair<string, string>>(8 + request.AdditionalProperties.Count));
        GenerationRequestFields.Write(request, submitAsync, ref sink);
        return sink.Fields;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        WriteAsync(stream, CancellationToken.None);

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        WriteAsync(stream, cancellationToken);
#endif

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        foreach (var field in _fields)
        {
            length += Utf8.GetByteCount(FieldHead(field.Key)) + Utf8.GetByteCount(field.Value) + 2;
        }

        foreach (var image in _images)
        {
            if (image.Length is not { } imageLength)
            {
                length = 0;
                return false;
            }

            length += Utf8.GetByteCount(ImageHead(image)) + imageLength + 2;
        }

        length += Utf8.GetByteCount(Closing());
        return true;
    }

    private async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        _written.Count(stream);
        foreach (var field in _fields)
        {
            await WriteTextAsync(stream, FieldHead(field.Key) + field.Value + "\r\n", cancellationToken).ConfigureAwait(false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            foreach (var image in _images)
            {
                await WriteTextAsync(stream, ImageHead(image), cancellationToken).ConfigureAwait(false);
                await CopyImageAsync(image, stream, buffer, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(stream, "\r\n", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await WriteTextAsync(stream, Closing(), cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyImageAsync(ReferenceImageUpload image, Stream destination, byte[] buffer, CancellationToken cancellationToken)
    {
        Stream source;
        try
        {
            source = image.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ReferenceImageException or ObjectDisposedException)
        {
            throw Fail(ex as ReferenceImageException ?? new ReferenceImageException($"{image.Describe()} could not be opened: {ex.Message}", ex) { FileName = image.FileName });
        }

        using (source)
        {
            long written = 0;
            while (true)
            {
                int read;
                try
                {
#if NET
                    read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
#else
                    read = await source.ReadAsync(buffer, 0, CopyBufferSize, cancellationToken).ConfigureAwait(false);
#endif
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw Fail(new ReferenceImageException(
                        string.Format(CultureInfo.InvariantCulture, "{0} could not be read after {1} bytes: {2} The request was abandoned and will not be retried.", image.Describe(), written, ex.Message),
                        ex) { FileName = image.FileName });
                }

                if (read == 0)
                {
                    break;
                }

                written += read;
                if (written > ReferenceImageUpload.MaxBytes)
                {
                    // Stopped before the excess is written, so the body is never whole: the SDK's own, not sent.
                    var tooLarge = new ArgumentException($"{image.Describe()} is larger than 50 MB, the API's limit per image; the request was abandoned.");
                    _ = Errors.ThrownBeforeSending.Remember(tooLarge);
                    throw Fail(tooLarge);
                }

#if NET
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
#else
                await destination.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
#endif
            }

            if (image.Length is { } expected && written != expected)
            {
                throw Fail(new ReferenceImageException(
                    string.Format(CultureInfo.InvariantCulture, "{0} changed while it was sent: {1} bytes were expected but {2} were read.", image.Describe(), expected, written),
                    statusCode: null,
                    errorCode: null) { FileName = image.FileName });
            }
        }
    }

    private Exception Fail(Exception failure)
    {
        SourceFailure = failure;
        return failure;
    }

    private string FieldHead(string name) =>
        $"--{_boundary}\r\nContent-Disposition: form-data; name=\"{Escape(name)}\"\r\n\r\n";

    private string ImageHead(ReferenceImageUpload image) =>
        $"--{_boundary}\r\nContent-Disposition: form-data; name=\"{GenerationRequestFields.ReferenceImage}\"; filename=\"{image.FileName}\"\r\nContent-Type: {image.ContentType}\r\n\r\n";

    private string Closing() => $"--{_boundary}--\r\n";

    private static string Escape(string name) => name.Replace("\"", "%22").Replace("\r", "%0D").Replace("\n", "%0A");

    private static Task WriteTextAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        var bytes = Utf8.GetBytes(text);
#if NET
        return stream.WriteAsync(bytes, cancellationToken).AsTask();
#else
        return stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken);
#endif
    }
}
