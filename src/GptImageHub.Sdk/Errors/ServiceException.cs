using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The service answered with a status or body the API does not document, such as a proxy's HTML 502 page or an empty 503. The message holds a short excerpt of the body.</summary>
public sealed class ServiceException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ServiceException()
        : base("The service returned an unexpected response.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ServiceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ServiceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public ServiceException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
