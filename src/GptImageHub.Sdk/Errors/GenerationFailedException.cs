using System.Net;

namespace GptImageHub.Sdk;

/// <summary>The generation failed (HTTP 500 <c>generationFailed</c>, or a polled job that ended <c>failed</c>). The service refunds the credits it held.</summary>
public sealed class GenerationFailedException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public GenerationFailedException()
        : base("The generation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GenerationFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GenerationFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public GenerationFailedException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
