using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The service could not be reached or the connection failed (DNS, refused, reset, TLS, or a request timeout). The inner exception holds the cause.</summary>
public sealed class GptImageHubConnectionException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public GptImageHubConnectionException()
        : base("The GPT Image Hub service could not be reached.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GptImageHubConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GptImageHubConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public GptImageHubConnectionException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
