using System.Buffers;
using System.Globalization;
#if NET6_0_OR_GREATER
using System.Runtime.CompilerServices;
#endif
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// Reads a successful response into a record with the source-generated reader: the body is read
/// into a pooled buffer, never more than <c>MaxResponseBytes</c> of it, and parsed in one
/// synchronous pass. A body the SDK cannot read, or one over the cap, becomes
/// <see cref="InvalidResponseException"/>. It lives in Http beside the size cap it applies; the
/// Serialization folder knows nothing of HTTP.
/// </summary>
/// <remarks>
/// <para>
/// Buffered rather than <c>JsonSerializer.DeserializeAsync</c> over the stream: the stream reader
/// runs System.Text.Json's resumable path, which first reads ahead over every value a custom
/// converter reads (each record goes through one, WireRecords.cs), so an answer was tokenized
/// twice; it also needed a counting stream for the cap. The stream reader buffers the whole of such
/// a value anyway, so the memory held is the same. Measured with <c>interleaved</c> (benchmarks, SDK time
/// over raw per round; docs/benchmarks.md, "Issue 17: the read path"): GetCredits 1.11-1.18 -> 0.92-0.99
/// (about 17 % of the call), GetModels 1.30-1.35 -> 1.18-1.20 (10 %), GetGeneration 5 %, and 48 B less.
/// </para>
/// <para>
/// Not <c>HttpContent.ReadFromJsonAsync</c> (System.Net.Http.Json): to keep the size cap it must read
/// a wrapper content (a second <see cref="HttpContent"/> and header collection carrying the
/// Content-Type), and it parses the Content-Type for a charset and returns a <see cref="Task{T}"/>.
/// Measured with <c>alloc GetCredits_Sdk</c> / <c>alloc GetGeneration_Sdk</c> (benchmarks, bytes per
/// call with the reflection invoke): 2,151 B / 3,447 B a call against 1,627 B / 2,923 B here,
/// +524 B, 32 % / 18 % of the call, over the 10 % bar. It would also transcode a body whose
/// Content-Type names another charset, where this reads UTF-8 (JSON's only encoding, RFC 8259)
/// whatever the header says.
/// </para>
/// </remarks>
internal static class ResponseDeserializer
{
    /// <summary>
    /// The largest body a byte array holds, with the byte past the cap. MaxResponseBytes has no upper
    /// bound, and the cap plus that byte must stay an array length: at <c>long.MaxValue</c> it
    /// overflowed to a zero-length buffer and every answer (a paid submit's too) was refused as empty.
    /// </summary>
    internal const long LargestBody = 0x7FFFFFC7 - 1;

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public static async ValueTask<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, long maxBytes, string? generationId, bool chargedSubmit, CancellationToken cancellationToken)
    {
        maxBytes = Math.Min(maxBytes, LargestBody);
        var length = DeclaredLength(response.Content.Headers);
        if (length > maxBytes)
        {
            throw Invalid(response, generationId, chargedSubmit, $"the body is larger than MaxResponseBytes ({maxBytes} bytes)", inner: null);
        }

#if NET
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        // The stream is the response's: disposing the response (the caller's) closes it.
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize(length, maxBytes));
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // One byte past the cap is enough to know the body is over it.
                var room = (int)Math.Min(buffer.Length - filled, maxBytes + 1 - filled);
#if NET
                var read = await stream.ReadAsync(buffer.AsMemory(filled, room), cancellationToken).ConfigureAwait(false);
#else
                var read = await stream.ReadAsync(buffer, filled, room, cancellationToken).ConfigureAwait(false);
#endif
                if (read == 0)
                {
                    break;
                }

                filled += read;
                if (filled > maxBytes)
                {
                    throw Invalid(response, generationId ?? PaidId(buffer, filled, chargedSubmit), chargedSubmit, $"the body is larger than MaxResponseBytes ({maxBytes} bytes)", inner: null);
                }
            }

            try
            {
                var value = JsonSerializer.Deserialize(WithoutByteOrderMark(buffer.AsSpan(0, filled)), typeInfo);
                return value ?? throw Invalid(response, generationId, chargedSubmit, "the body is JSON null", inner: null);
            }
            catch (JsonException ex)
            {
                throw Invalid(response, generationId ?? PaidId(buffer, filled, chargedSubmit), chargedSubmit, ex.Message, ex);
            }
        }
        catch (Exception ex) when (ex is not InvalidResponseException && generationId is null && PaidId(buffer, filled, chargedSubmit) is { } paid)
        {
            // The network, the time limit or a disposal broke the answer off after its id: the
            // pipeline reports that failure as usual, naming the job the POST paid for.
            throw new BrokenAnswerException(paid, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The declared length and one byte to see the end in, else 16 KiB; never more than the cap and that byte.</summary>
    private static int FirstBufferSize(long? declared, long maxBytes) =>
        (int)Math.Min(maxBytes + 1, declared is { } length ? length + 1 : 16 * 1024);

    /// <summary>
    /// The generation id at the top of the part of a charged submit's answer that arrived, or null.
    /// The id comes first in the service's answers, so an answer broken off or unreadable further on
    /// still names the job it paid for (promise 2: never lose a paid job).
    /// </summary>
    internal static string? PaidId(byte[] buffer, int filled, bool chargedSubmit)
    {
        if (!chargedSubmit)
        {
            return null;
        }

        var reader = new Utf8JsonReader(WithoutByteOrderMark(buffer.AsSpan(0, filled)), isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } id ? id : null;
                }

                if (!reader.TrySkip())
                {
                    return null;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed before the id, or an id that is not valid text: none to name.
        }

        return null;
    }

    // The stream reader skips a UTF-8 byte order mark; the span reader does not.
    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> body) =>
        body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? body.Slice(3) : body;

    /// <summary>
    /// The Content-Length the response came with. On .NET it is read unparsed: the typed
    /// <c>ContentLength</c> getter stores a parsed header object (or computes the length of an
    /// in-memory body) on every response. A body with no declared length is still bounded while read.
    /// </summary>
    private static long? DeclaredLength(System.Net.Http.Headers.HttpContentHeaders headers)
    {
#if NET6_0_OR_GREATER
        return headers.NonValidated.TryGetValues("Content-Length", out var values)
            && values.Count == 1
            && long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                ? length
                : null;
#else
        return headers.ContentLength;
#endif
    }

    private static InvalidResponseException Invalid(HttpResponseMessage response, string? generationId, bool chargedSubmit, string reason, Exception? inner) =>
        ChargeClassifier.Describe(new InvalidResponseException(
            string.Format(CultureInfo.InvariantCulture, "The service returned HTTP {0} with a body the SDK cannot read: {1}", (int)response.StatusCode, reason),
            response.StatusCode,
            errorCode: null,
            generationId,
            inner), chargedSubmit);
}
