using System.Net;

namespace GptImageHub.Sdk;

/// <summary>
/// The <see cref="GptImageHubClient"/> (or the <see cref="HttpClient"/> it sends with) was disposed
/// while this call was running. Like every failure after a submit it names the job:
/// <see cref="GptImageHubException.GenerationId"/> is set once a generation exists (the service
/// keeps running it, so resume it on a live client with
/// <see cref="IGptImageHubClient.WaitForGenerationAsync"/>), and
/// <see cref="GptImageHubException.PossiblyCharged"/> is set when a generation POST was in flight.
/// A call started after the client was disposed throws <see cref="ObjectDisposedException"/> instead,
/// before anything is sent.
/// </summary>
/// <remarks>
/// It is a <see cref="GptImageHubException"/> rather than an <see cref="ObjectDisposedException"/>
/// so that the code that keeps a failed job's id for later (a <c>catch (GptImageHubException)</c>)
/// keeps it on shutdown too.
/// </remarks>
public sealed class ClientDisposedException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ClientDisposedException()
        : base("The GptImageHubClient was disposed while the call was running.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ClientDisposedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ClientDisposedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a failed call.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when the service answered.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public ClientDisposedException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }

    /// <summary>
    /// Whether the stopped call had handed its request to the network, so that a generation POST may
    /// have reached the service. <see cref="Errors.ChargeClassifier"/> reads it.
    /// </summary>
    internal bool RequestSent { get; init; }

    /// <summary>Builds the exception for a stopped call, complete with its message.</summary>
    /// <param name="what">The call, such as <c>POST /api/v1/images/generations</c>, or the wait.</param>
    /// <param name="generationId">The generation the call concerns, when one exists.</param>
    /// <param name="requestSent">Whether the request was handed to the network.</param>
    /// <param name="httpClientDisposed">Whether it was the <see cref="HttpClient"/>, not this client, that was disposed.</param>
    /// <param name="innerException">What the stopped call threw, if anything.</param>
    internal static ClientDisposedException Create(string what, string? generationId, bool requestSent, bool httpClientDisposed, Exception? innerException)
    {
        var cause = httpClientDisposed
            ? "the HttpClient the GptImageHubClient sends with was disposed"
            : "the GptImageHubClient was disposed";
        var message = generationId is null
            ? $"{what} was stopped because {cause}."
            : $"{what} was stopped because {cause}. Generation '{generationId}' keeps running on the service: resume it with WaitForGenerationAsync(\"{generationId}\") on a client that is not disposed.";
        return new ClientDisposedException(message, statusCode: null, errorCode: null, generationId, innerException) { RequestSent = requestSent };
    }
}
