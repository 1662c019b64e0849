using System.Net;

namespace GptImageHub.Sdk;

/// <summary>
/// A request was refused before sending because its estimated price is above
/// <see cref="GptImageHubClientOptions.MaxCreditsPerRequest"/>, or cannot be estimated while a limit is set.
/// Nothing was sent and nothing was charged.
/// </summary>
public sealed class CreditLimitExceededException : GptImageHubException
{
    /// <summary>Creates an exception with a default message.</summary>
    public CreditLimitExceededException()
        : base("The request's estimated price is above the configured limit.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CreditLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CreditLimitExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a failed call.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when the service answered.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public CreditLimitExceededException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, statusCode, errorCode, generationId, innerException)
    {
    }

    /// <summary>The request's estimate; its <see cref="CreditEstimate.Credits"/> is null when the price could not be told.</summary>
    public CreditEstimate? Estimate { get; init; }

    /// <summary>The configured <see cref="GptImageHubClientOptions.MaxCreditsPerRequest"/>.</summary>
    public long Limit { get; init; }
}
