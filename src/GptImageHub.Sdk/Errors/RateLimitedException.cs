using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The service is limiting the request rate (HTTP 429). <see cref="GptImageHubException.RetryAfter"/> says how long it asked the caller to wait.</summary>
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

    /// <summary>Creates an exception with the details of a failed call.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when the service answered.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitedException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
