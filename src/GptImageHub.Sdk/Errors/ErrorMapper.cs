using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// Turns an unsuccessful response into the exception the API's error table names. The table is
/// keyed by status and <c>code</c>, verbatim; anything it does not list becomes
/// <see cref="ServiceException"/> (or <see cref="RateLimitedException"/> for any 429).
/// </summary>
internal static class ErrorMapper
{
    /// <summary>An error body is read for its message only; a proxy's megabyte HTML page must not be buffered.</summary>
    public const int MaxErrorBodyBytes = 16 * 1024;
    private const int ExcerptLength = 200;

    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private static readonly Dictionary<(HttpStatusCode Status, string Code), Func<ErrorDetails, GptImageHubException>> Table = new()
    {
        [(HttpStatusCode.BadRequest, "invalid_request")] = e => new InvalidRequestException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
        [(HttpStatusCode.Unauthorized, "missingApiKey")] = e => new MissingApiKeyException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
        [(HttpStatusCode.Unauthorized, "invalidApiKey")] = e => new InvalidApiKeyException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
        [(HttpStatusCode.Unauthorized, "expiredApiKey")] = e => new ExpiredApiKeyException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
        [((HttpStatusCode)402, "insufficientCredits")] = e => new InsufficientCreditsException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
        [(HttpStatusCode.NotFound, "notFound")] = e => new NotFoundException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
        [(HttpStatusCode.InternalServerError, "generationFailed")] = e => new GenerationFailedException(e.Message, e.Status, e.Code, e.GenerationId) { RetryAfter = e.RetryAfter },
    };

    /// <summary>Whether the service's error table documents this (status, code): the refusals the charge classifier trusts.</summary>
    public static bool IsDocumented(HttpStatusCode status, string? code) => code is not null && Table.ContainsKey((status, code));

    /// <summary>
    /// The exception for an error answer, from the first <see cref="MaxErrorBodyBytes"/> of its body
    /// (UTF-8, invalid bytes replaced; empty when the body broke off: the status already says the
    /// call failed, and half a body adds nothing to act on).
    /// </summary>
    /// <param name="status">The answer's status.</param>
    /// <param name="body">The error body read.</param>
    /// <param name="retryAfter">The answer's Retry-After.</param>
    /// <param name="generationId">The generation the call concerns.</param>
    /// <param name="apiKey">The key, masked wherever the body quotes it.</param>
    /// <param name="chargedSubmit">Whether the call is the charged POST.</param>
    /// <param name="writtenBefore">Whether the body went more than once below the SDK.</param>
    /// <param name="note">What the caller knows that the service's words do not say (a 404 on a path that always exists: a wrong base address), added to the message.</param>
    public static GptImageHubException Map(HttpStatusCode status, ReadOnlySpan<byte> body, TimeSpan? retryAfter, string? generationId, string? apiKey, bool chargedSubmit, bool writtenBefore = false, string? note = null)
    {
        var read = body.Slice(0, Math.Min(body.Length, MaxErrorBodyBytes));
#if NET
        var text = Lenient.GetString(read);
#else
        var text = Lenient.GetString(read.ToArray());
#endif

        // A key across the cut no longer matches whole: what the cut left of it is masked before anything quotes the text.
        text = (read.Length < body.Length ? SecretRedaction.RedactCutKey(text, apiKey) : text).Trim();
        var exception = Create(status, text, retryAfter, generationId, apiKey, note);
        exception.WrittenBefore = writtenBefore;
        return ChargeClassifier.Describe(exception, chargedSubmit);
    }

    private static GptImageHubException Create(HttpStatusCode status, string body, TimeSpan? retryAfter, string? generationId, string? apiKey, string? note)
    {
        var suffix = note is null ? string.Empty : ": " + note + ".";
        var detail = TryParse(body);
        var code = detail?.Code;
        var statusText = "HTTP " + ((int)status).ToString(CultureInfo.InvariantCulture);

        if (detail is not null && code is not null && Table.TryGetValue((status, code), out var create))
        {
            var serverMessage = SecretRedaction.Redact(string.IsNullOrWhiteSpace(detail.Message) ? code : detail.Message!, apiKey);
            return create(new ErrorDetails($"{serverMessage} ({statusText} {code}){suffix}", status, code, generationId, retryAfter));
        }

        // An undocumented code goes into the message (and ErrorCode) as the server sent it: a key
        // echoed there is masked like one in the message (it was put there verbatim). A documented
        // code is one of the table's own and is never touched, so a refusal stays a refusal.
        code = code is null ? null : SecretRedaction.Redact(code, apiKey);
        var described = detail is not null
            ? $"{SecretRedaction.Redact(detail.Message ?? "(no message)", apiKey)} ({statusText}{(code is null ? string.Empty : " " + code)})"
            : $"The service returned {statusText}{Describe(status)} with {Excerpt(body, apiKey)}.";
        described = note is null ? described : described.TrimEnd('.') + suffix;

        if ((int)status == 429)
        {
            return new RateLimitedException(described, status, code, generationId) { RetryAfter = retryAfter };
        }

        return new ServiceException(described, status, code, generationId) { RetryAfter = retryAfter };
    }

    private static ErrorDetail? TryParse(string body)
    {
        if (body.Length == 0 || body[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, GptImageHubJsonContext.Default.ErrorResponse)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(string body, string? apiKey)
    {
        if (body.Length == 0)
        {
            return "an empty body";
        }

        // Masked before it is cut: cut first, a key across the cut left its start in the message,
        // where the whole key no longer matched (one not shaped like a GPT Image Hub key).
        body = SecretRedaction.Redact(body, apiKey);
        var builder = new StringBuilder(Math.Min(body.Length, ExcerptLength) + 16);
        foreach (var c in body)
        {
            if (builder.Length >= ExcerptLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return "body: " + builder;
    }

    // With its leading space: a status without a phrase here (a 404) must not leave two spaces in the message.
    private static string Describe(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadGateway => " (Bad Gateway)",
        HttpStatusCode.ServiceUnavailable => " (Service Unavailable)",
        HttpStatusCode.GatewayTimeout => " (Gateway Timeout)",
        HttpStatusCode.InternalServerError => " (Internal Server Error)",
        _ => string.Empty,
    };

    private sealed record ErrorDetails(string Message, HttpStatusCode Status, string Code, string? GenerationId, TimeSpan? RetryAfter);
}
