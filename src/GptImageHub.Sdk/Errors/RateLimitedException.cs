using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The service is limiting the request rate (HTTP 429). <see cref="RetryAfter"/> says how long it asked the caller to wait.</summary>
public sealed class RateLimitedException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public RateLimitedException()
        : base("The service is limiting the request rate.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RateLimitedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a 429 answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="retryAfter">The wait the service asked for, when it sent <c>Retry-After</c>.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    public RateLimitedException(string message, TimeSpan? retryAfter, string? errorCode = null, string? generationId = null)
        : base(message, (HttpStatusCode)429, errorCode, generationId)
    {
        RetryAfter = retryAfter;
        ServerRetryAfter = retryAfter;
    }

    /// <summary>How long the service asked the caller to wait, from its <c>Retry-After</c> header.</summary>
    public TimeSpan? RetryAfter { get; }
}
