using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The resource does not exist, or belongs to another user (HTTP 404 <c>notFound</c>).</summary>
public sealed class NotFoundException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public NotFoundException()
        : base("The resource was not found.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public NotFoundException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
