using System.Buffers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// An answer's body in a pooled buffer: never more of it than its cap (<c>MaxResponseBytes</c> for a
/// success, 16 KiB for an error's, ErrorMapper) and the one byte past it that shows the body is over
/// it. Reading hands back whatever arrived, and the failure that broke it off if one did, rather than
/// throwing: the pipeline decides what that failure is, and a charged submit's answer cut off after
/// its id still names the job it paid for (<see cref="GenerationId"/>). The pipeline owns one per
/// read and disposes it, which gives the buffer back.
/// </summary>
/// <remarks>
/// Read whole, then parsed in one synchronous pass (<see cref="ResponseDeserializer"/>), rather than
/// <c>JsonSerializer.DeserializeAsync</c> over the stream: the stream reader runs System.Text.Json's
/// resumable path, which first reads ahead over every value a custom converter reads (each record goes
/// through one, WireRecords.cs), so an answer was tokenized twice; it also needed a counting stream for
/// the cap. It buffers the whole of such a value anyway, so the memory held is the same. Measured with
/// <c>interleaved</c> (benchmarks, SDK time over raw per round; docs/benchmarks.md, "Issue 17: the read
/// path"): GetCredits 1.11-1.18 -> 0.92-0.99 (about 17 % of the call), GetModels 1.30-1.35 -> 1.18-1.20
/// (10 %), GetGeneration 5 %, and 48 B less.
/// </remarks>
internal readonly struct ResponseBody : IDisposable
{
    /// <summary>
    /// The largest body a byte array holds, with the byte past the cap. MaxResponseBytes has no upper
    /// bound, and the cap plus that byte must stay an array length: at <c>long.MaxValue</c> it
    /// overflowed to a zero-length buffer and every answer (a paid submit's too) was refused as empty.
    /// </summary>
    internal const long LargestBody = 0x7FFFFFC7 - 1;

    private readonly byte[] _buffer;
    private readonly int _length;

    private ResponseBody(byte[] buffer, int length, long cap, bool tooLarge, Exception? failure)
    {
        _buffer = buffer;
        _length = length;
        Cap = cap;
        TooLarge = tooLarge;
        Failure = failure;
    }

    /// <summary>The bytes that arrived, without a UTF-8 byte order mark (the span reader does not skip one, the stream reader did).</summary>
    public ReadOnlySpan<byte> Json
    {
        get
        {
            var body = _buffer.AsSpan(0, _length);
            return body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? body.Slice(3) : body;
        }
    }

    /// <summary>The cap the body was read under: <c>MaxResponseBytes</c>, at most <see cref="LargestBody"/>.</summary>
    public long Cap { get; }

    /// <summary>Whether the body is longer than <see cref="Cap"/>; the rest of it was not read.</summary>
    public bool TooLarge { get; }

    /// <summary>
    /// What broke the read off (the network, the call's time limit, a disposal, the caller's
    /// cancellation), or null when the body was read to its end or to the cap.
    /// </summary>
    public Exception? Failure { get; }

    /// <summary>
    /// Reads the body of <paramref name="response"/> up to <paramref name="maxBytes"/> and one byte.
    /// Never throws: a failure is handed back in <see cref="Failure"/> with the bytes before it.
    /// </summary>
    /// <param name="response">The answer whose body is read.</param>
    /// <param name="maxBytes">The cap, <c>MaxResponseBytes</c>.</param>
    /// <param name="readIfDeclaredTooLarge">
    /// Whether a body that declares a length over the cap is still read up to the cap: a charged
    /// submit's, for the paid id at its top (<see cref="GenerationId"/>), and an error body, for its
    /// cause. Any other is refused on its Content-Length without a byte read.
    /// </param>
    /// <param name="cancellationToken">Stops the read; the stop is handed back in <see cref="Failure"/>.</param>
    public static async ValueTask<ResponseBody> ReadAsync(HttpResponseMessage response, long maxBytes, bool readIfDeclaredTooLarge, CancellationToken cancellationToken)
    {
        var cap = Math.Min(maxBytes, LargestBody);
        var declared = response.Content.Headers.ContentLength;
        if (declared > cap && !readIfDeclaredTooLarge)
        {
            // Refused unread; a charged submit's answer and an error body are read to the cap
            // instead, for the job the former names in its first bytes and the cause the latter gives.
            return new ResponseBody([], 0, cap, tooLarge: true, failure: null);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize(declared, cap));
        var filled = 0;
        try
        {
            // The stream is the response's: disposing the response (the caller's) closes it.
#if NET
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap + 1));
                    Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // One byte past the cap is enough to know the body is over it.
                var room = (int)Math.Min(buffer.Length - filled, cap + 1 - filled);
#if NET
                var read = await stream.ReadAsync(buffer.AsMemory(filled, room), cancellationToken).ConfigureAwait(false);
#else
                var read = await stream.ReadAsync(buffer, filled, room, cancellationToken).ConfigureAwait(false);
#endif
                filled += read;
                if (read == 0 || filled > cap)
                {
                    return new ResponseBody(buffer, filled, cap, tooLarge: filled > cap, failure: null);
                }
            }
        }
        catch (Exception ex)
        {
            return new ResponseBody(buffer, filled, cap, tooLarge: false, ex);
        }
    }

    /// <summary>
    /// The generation id at the top of what arrived, or null. The id comes first in the service's
    /// answers, so a charged submit's answer broken off or unreadable further on still names the job
    /// it paid for (promise 2: never lose a paid job). Read only on such a failure.
    /// </summary>
    /// <remarks>
    /// As the generation reader does (WireRecords.cs), the last of duplicated <c>id</c> keys counts
    /// and a null or blank one names no job: the first one, taken before, made the exception name a
    /// job other than the one the same answer, read whole, would have named. The object's top level
    /// is read on to its end, or to where it broke off: the last id that arrived whole is named.
    /// </remarks>
    public string? GenerationId()
    {
        string? id = null;
        var reader = new Utf8JsonReader(Json, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals(IdField.Name);
                if (!reader.Read())
                {
                    break;
                }

                if (isId)
                {
                    // Cleared first: an id that is not valid text names no job either.
                    id = null;
                    id = reader.TokenType == JsonTokenType.String && reader.GetString() is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
                }

                if (!reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed further on (or an id that is not valid text): the last id read whole stands.
        }

        return id;
    }

    /// <summary>Gives the buffer back to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    /// <summary>
    /// The declared length and one byte to see the end in; 16 KiB when no length is declared or one
    /// over the cap (a lying header does not reserve the cap up front); never more than the cap and that byte.
    /// </summary>
    private static int FirstBufferSize(long? declared, long cap) =>
        (int)Math.Min(cap + 1, declared is { } length && length <= cap ? length + 1 : 16 * 1024);

    /// <summary>
    /// The wire name of a generation's id, taken from the generated reader's metadata so the field is
    /// named once (WireRecords.cs). Built on the first failure that needs it, never on the success path.
    /// </summary>
    private static class IdField
    {
        public static readonly byte[] Name = Encoding.UTF8.GetBytes(
            GptImageHubJsonContext.Default.ImageGenerationWire.Properties
                .Single(p => p.AttributeProvider is MemberInfo { Name: nameof(ImageGenerationWire.Id) })
                .Name);
    }
}
