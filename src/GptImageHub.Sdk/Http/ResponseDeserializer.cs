using System.Globalization;
#if NET6_0_OR_GREATER
using System.Runtime.CompilerServices;
#endif
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// Reads a successful response straight from the network stream into a record with the
/// source-generated reader, with no string or buffer in between. A body the SDK cannot read, or
/// one over <c>MaxResponseBytes</c>, becomes <see cref="InvalidResponseException"/>. It lives in
/// Http beside the size cap it applies; the Serialization folder knows nothing of HTTP.
/// </summary>
/// <remarks>
/// Not <c>HttpContent.ReadFromJsonAsync</c> (System.Net.Http.Json): to keep the size cap it must read
/// a wrapper content (a second <see cref="HttpContent"/> and header collection carrying the
/// Content-Type), and it parses the Content-Type for a charset and returns a <see cref="Task{T}"/>.
/// Measured with <c>alloc GetCredits_Sdk</c> / <c>alloc GetGeneration_Sdk</c> (benchmarks, bytes per
/// call with the reflection invoke): 2,151 B / 3,447 B a call against 1,627 B / 2,923 B here,
/// +524 B, 32 % / 18 % of the call, over the 10 % bar. It would also transcode a body whose
/// Content-Type names another charset, where this reads UTF-8 (JSON's only encoding, RFC 8259)
/// whatever the header says.
/// </remarks>
internal static class ResponseDeserializer
{
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public static async ValueTask<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, long maxBytes, string? generationId, bool chargedSubmit, CancellationToken cancellationToken)
    {
        if (DeclaredLength(response.Content.Headers) is { } length && length > maxBytes)
        {
            throw Invalid(response, generationId, chargedSubmit, $"the body is larger than MaxResponseBytes ({maxBytes} bytes)", inner: null);
        }

#if NET
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        using (var bounded = new BoundedReadStream(stream, maxBytes))
        {
            try
            {
                var value = await JsonSerializer.DeserializeAsync(bounded, typeInfo, cancellationToken).ConfigureAwait(false);
                return value ?? throw Invalid(response, generationId, chargedSubmit, "the body is JSON null", inner: null);
            }
            catch (JsonException ex)
            {
                throw Invalid(response, generationId, chargedSubmit, ex.Message, ex);
            }
            catch (ResponseTooLargeException ex)
            {
                throw Invalid(response, generationId, chargedSubmit, ex.Message, ex);
            }
        }
    }

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
