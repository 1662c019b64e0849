using System.Net;

namespace GptImageHub.Sdk;

/// <summary>Waiting for a generation took longer than <see cref="PollingOptions.Timeout"/>. The job may still finish: resume with <see cref="IGptImageHubClient.WaitForGenerationAsync"/> and <see cref="GptImageHubException.GenerationId"/>.</summary>
public sealed class GenerationTimeoutException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public GenerationTimeoutException()
        : base("Waiting for the generation timed out.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GenerationTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GenerationTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public GenerationTimeoutException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }
}
