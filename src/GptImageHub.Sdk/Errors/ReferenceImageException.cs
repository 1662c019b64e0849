using System.Net;

namespace GptImageHub.Sdk;

/// <summary>
/// Reading a reference image failed while the request was being sent (the caller's stream threw,
/// or grew past 50 MB). The request was abandoned and is not retried; the inner exception holds the cause.
/// </summary>
public sealed class ReferenceImageException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ReferenceImageException()
        : base("Reading a reference image failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReferenceImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ReferenceImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a failed call.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when the service answered.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public ReferenceImageException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }

    /// <summary>The image's file name as the caller gave it.</summary>
    public string? FileName { get; init; }
}
