using System.Buffers;
using System.Globalization;
using System.Text;
using GptImageHub.Emulator.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace GptImageHub.Emulator.Requests;

/// <summary>
/// Reads a <c>multipart/form-data</c> generation request part by part. Reference images are
/// streamed through a small buffer: only their first bytes (for the format) and their length are
/// kept. The whole body is always read, even after a problem, so the client gets the 400 instead of
/// a connection reset in the middle of its upload.
/// </summary>
internal static class MultipartRequestReader
{
    public const string ReferenceImageField = "reference_image";
    private const int MaxTextPartBytes = 1024 * 1024;
    private const int BufferSize = 81920;

    public static async Task<RawGenerationRequest> ReadAsync(HttpRequest request, string boundary, CancellationToken cancellationToken)
    {
        var raw = new RawGenerationRequest { IsMultipart = true };
        var reader = new MultipartReader(boundary, request.Body);
        var seenFields = new HashSet<string>(StringComparer.Ordinal);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                await ReadSectionAsync(raw, section, seenFields, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException)
        {
            raw.Reject("Invalid multipart/form-data body");
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // A body that ends without its closing boundary: the client's framing is broken, not the connection.
            raw.Reject("Invalid multipart/form-data body");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return raw;
    }

    private static async Task ReadSectionAsync(RawGenerationRequest raw, MultipartSection section, HashSet<string> seenFields, byte[] buffer, CancellationToken cancellationToken)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
            || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            || StringSegment.IsNullOrEmpty(HeaderUtilities.RemoveQuotes(disposition.Name)))
        {
            raw.Reject("Every multipart part needs a form-data Content-Disposition with a name");
            await DrainAsync(section.Body, buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
        if (string.Equals(name, ReferenceImageField, StringComparison.Ordinal))
        {
            await ReadReferenceImageAsync(raw, section.Body, buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (disposition.IsFileDisposition())
        {
            // Files under other names are not part of the API; they are read past and ignored.
            await DrainAsync(section.Body, buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        var text = await ReadTextAsync(raw, name, section.Body, buffer, cancellationToken).ConfigureAwait(false);
        if (text is null || !IsScalarField(name))
        {
            return;
        }

        if (!seenFields.Add(name))
        {
            raw.Reject($"{name} was sent more than once");
            return;
        }

        Assign(raw, name, text);
    }

    private static bool IsScalarField(string name) => name is "model" or "prompt" or "size" or "quality" or "aspect_ratio" or "n" or "async";

    private static void Assign(RawGenerationRequest raw, string name, string text)
    {
        switch (name)
        {
            case "model":
                raw.Model = text;
                break;
            case "prompt":
                raw.Prompt = text;
                break;
            case "size":
                raw.Size = text;
                break;
            case "quality":
                raw.Quality = text;
                break;
            case "aspect_ratio":
                raw.AspectRatio = text;
                break;
            case "n":
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    raw.N = n;
                }
                else
                {
                    raw.Reject("n must be an integer between 1 and 4");
                }

                break;
            default:
                if (bool.TryParse(text, out var isAsync))
                {
                    raw.Async = isAsync;
                }
                else
                {
                    raw.Reject("async must be true or false");
                }

                break;
        }
    }

    private static async Task ReadReferenceImageAsync(RawGenerationRequest raw, Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var number = ++raw.ReferenceImageCount;
        var head = new byte[ReferenceImageFormat.SniffLength];
        var headLength = 0;
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (headLength < head.Length)
            {
                var take = Math.Min(head.Length - headLength, read);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                headLength += take;
            }

            length += read;
        }

        if (number > ModelCatalog.LargestReferenceImageLimit)
        {
            raw.Reject($"Too many reference images: at most {ModelCatalog.LargestReferenceImageLimit} are accepted");
        }
        else if (length > ReferenceImageFormat.MaxBytes)
        {
            raw.Reject($"reference_image {number} is larger than 50 MB");
        }
        else if (ReferenceImageFormat.Detect(head.AsSpan(0, headLength)) is null)
        {
            raw.Reject($"reference_image {number} is not a PNG, JPEG or WebP image");
        }
    }

    private static async Task<string?> ReadTextAsync(RawGenerationRequest raw, string name, Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var text = new MemoryStream();
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length + read > MaxTextPartBytes)
            {
                raw.Reject($"{name} is longer than {MaxTextPartBytes} bytes");
                await DrainAsync(body, buffer, cancellationToken).ConfigureAwait(false);
                return null;
            }

            text.Write(buffer, 0, read);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(text.GetBuffer(), 0, (int)text.Length);
        }
        catch (DecoderFallbackException)
        {
            raw.Reject($"{name} is not valid UTF-8");
            return null;
        }
    }

    private static async Task DrainAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        while (await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }
}
