using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The service did not accept the API key (HTTP 401). The subclasses say why: missing, invalid or expired.</summary>
public class UnauthorizedException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public UnauthorizedException()
        : base("The API key was not accepted.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public UnauthorizedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public UnauthorizedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public UnauthorizedException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
