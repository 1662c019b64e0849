using System.Net;

namespace GptImageHub.Sdk;

/// <summary>No API key was sent (HTTP 401 <c>missingApiKey</c>), or none is configured: set <see cref="GptImageHubClientOptions.ApiKey"/> or the <c>GPTIMAGEHUB_API_KEY</c> environment variable.</summary>
public sealed class MissingApiKeyException : UnauthorizedException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MissingApiKeyException()
        : base("No API key is configured. Set GptImageHubClientOptions.ApiKey or the GPTIMAGEHUB_API_KEY environment variable.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MissingApiKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MissingApiKeyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public MissingApiKeyException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
