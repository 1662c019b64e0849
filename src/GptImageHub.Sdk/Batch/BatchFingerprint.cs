using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// A short hash of what an item's request sends: the JSON body the SDK would post, and each
/// reference image's name, type and content. A key rerun with another request gets another
/// fingerprint, which the store refuses instead of reporting the old key's result for the new
/// request; and the file journal refuses a new key whose fingerprint an earlier run submitted
/// under a key this run no longer has (a moved line).
/// </summary>
/// <remarks>
/// <para>
/// How each kind of reference image is described:
/// </para>
/// <list type="bullet">
/// <item><description>Bytes: hashed.</description></item>
/// <item><description>
/// A seekable stream: its bytes from its current position to its end are hashed, then it is put
/// back where it was, so the upload sends the same bytes. Its name is no identity: every upload
/// form calls its file "photo.png", and two different photos of one name must not look like one
/// request (nor one photo changed under a key look like the same one).
/// </description></item>
/// <item><description>
/// A stream that cannot seek: named only, since it can be read once and the upload needs that
/// read. Two such photos of one name look alike, the conservative side: at worst a new item is
/// refused (its message says the bytes could not be compared), never paid for twice.
/// </description></item>
/// <item><description>
/// A file: its full path, not its content. The path is the caller's own name for the photo, and
/// it stays the same request however the file is touched: a photo tool writing its metadata into
/// the file, or a sync client rewriting it, must not make a finished key look like another request,
/// since the way out of that refusal is a new journal, which pays for every item again. Hashing
/// would also read every file of the batch before the first request. The cost: a photo edited in
/// place under the same key is reported with the earlier result; give it a new key to pay for it.
/// </description></item>
/// </list>
/// </remarks>
internal static class BatchFingerprint
{
    private const int BufferSize = 81920;

    /// <summary>The store's view of an item: its key, its fingerprint, and the images the fingerprint names without their bytes.</summary>
    /// <exception cref="IOException">A seekable reference stream could not be read.</exception>
    /// <exception cref="NotSupportedException">A stream that says it can seek has no length or cannot be put back.</exception>
    /// <exception cref="ObjectDisposedException">A reference stream was disposed.</exception>
    public static async Task<BatchStoreItem> ItemAsync(string key, ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(GenerationRequestBody.Serialize(request, submitAsync: true));
        List<string>? uncompared = null;
        for (var i = 0; i < request.ReferenceImages.Count; i++)
        {
            var image = request.ReferenceImages[i];
            var stream = image.Stream;
            var hashesStream = stream is { CanSeek: true } && Remaining(stream) <= ReferenceImageUpload.MaxBytes;

            // A path or a stream that cannot seek is described by name; bytes and a seekable stream by content.
            var source = image.Path ?? (stream is null ? "bytes" : hashesStream ? "stream-bytes" : "stream");
            hash.AppendData(Encoding.UTF8.GetBytes(string.Join("\n", "ref", image.FileName, image.ContentType ?? string.Empty, source)));
            if (image.Path is not null)
            {
                continue;
            }

            if (stream is null)
            {
                hash.AppendData(image.Bytes.ToArray());
            }
            else if (hashesStream)
            {
                await AppendRestAsync(hash, stream, cancellationToken).ConfigureAwait(false);
            }
            else if (stream.CanSeek)
            {
                // Over 50 MB: the upload refuses it before sending, so its bytes are never worth reading here.
                hash.AppendData(Encoding.UTF8.GetBytes(Remaining(stream).ToString(CultureInfo.InvariantCulture)));
            }
            else
            {
                (uncompared ??= []).Add($"reference image #{i + 1} '{image.FileName}'");
            }
        }

        var digest = hash.GetHashAndReset();
        var text = new StringBuilder(32);
        for (var i = 0; i < 16; i++)
        {
            text.Append(digest[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return new BatchStoreItem(key, text.ToString()) { Uncompared = uncompared is null ? null : string.Join(", ", uncompared) };
    }

    private static long Remaining(Stream stream) => stream.Length - stream.Position;

    /// <summary>Hashes the stream from where it is to its end, and puts it back there whatever happens.</summary>
    private static async Task AppendRestAsync(IncrementalHash hash, Stream stream, CancellationToken cancellationToken)
    {
        var start = stream.Position;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            // Its Length is only its word: a stream that reads on past it (a generator behind a seekable face) was
            // read for ever here, before the first request. The upload stops reading one past 50 MB; so does this.
            var left = ReferenceImageUpload.MaxBytes + 1;
            int read;
#if NET
            while (left > 0 && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false)) > 0)
#else
            while (left > 0 && (read = await stream.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, left), cancellationToken).ConfigureAwait(false)) > 0)
#endif
            {
                hash.AppendData(buffer, 0, read);
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            stream.Position = start;
        }
    }
}
