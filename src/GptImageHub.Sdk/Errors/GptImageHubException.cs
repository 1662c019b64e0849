using System.Net;

namespace GptImageHub.Sdk;

/// <summary>
/// The base of every failure the SDK reports, other than a caller's mistake
/// (<see cref="ArgumentException"/>) or cancellation (<see cref="OperationCanceledException"/>).
/// When a generation had already been submitted, <see cref="GenerationId"/> names it, so the
/// caller can resume with <see cref="IGptImageHubClient.WaitForGenerationAsync"/> instead of
/// paying for a new one.
/// </summary>
public class GptImageHubException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public GptImageHubException()
        : this("The GPT Image Hub request failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GptImageHubException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GptImageHubException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the details of a service answer.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="errorCode">The API's error <c>code</c>, verbatim.</param>
    /// <param name="generationId">The generation the failure concerns, when one exists.</param>
    /// <param name="innerException">The cause.</param>
    public GptImageHubException(string message, HttpStatusCode? statusCode, string? errorCode, string? generationId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        GenerationId = generationId;
    }

    /// <summary>The HTTP status of the response, or null when none arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The API's error <c>code</c> (such as <c>insufficientCredits</c>), verbatim, when the body had one.</summary>
    public string? ErrorCode { get; }

    /// <summary>
    /// The generation this failure concerns, set on every failure after a generation was submitted.
    /// Pass it to <see cref="IGptImageHubClient.WaitForGenerationAsync"/> to resume without paying again.
    /// </summary>
    public string? GenerationId { get; }

    /// <summary>
    /// Whether this failure ended a generation POST that may have reached the service and been
    /// charged (a 5xx from a gateway, a timeout or reset after sending, an unreadable answer). Do
    /// not send the same request again blindly: when <see cref="GenerationId"/> is set, resume it;
    /// otherwise check the balance or the job list first. False for every other failure, including
    /// the service's own refusals (400, 401, 402, 404, 429, 500 <c>generationFailed</c>), which charge nothing.
    /// </summary>
    public bool PossiblyCharged { get; internal set; }

    /// <summary>
    /// Whether an attempt below the SDK before the one this failure describes (a handler of the consumer's
    /// <see cref="HttpClient"/> that retries) wrote the request's body toward the network: a refused connection or a
    /// refusing answer then speaks of the last attempt only, and an earlier one may have been charged.
    /// </summary>
    internal bool WrittenBefore { get; set; }

    /// <summary>The failure's description; after a possibly charged submit it says so, and what to do.</summary>
    public override string Message => PossiblyCharged ? base.Message + " " + PossiblyChargedNote(GenerationId) : base.Message;

    /// <summary>
    /// The failure's description without the possibly-charged note, whose advice names this SDK's methods: a front end
    /// with commands of its own (gih) says what to do next in its own words.
    /// </summary>
    internal string Description => base.Message;

    /// <summary>
    /// How long the service asked the caller to wait, from the <c>Retry-After</c> header of its answer
    /// (a 429, a 503, ...). The SDK's own retries and polls honour it (up to 30 s) before a failure reaches you.
    /// </summary>
    /// <value>Null when the answer named no wait, or there was no answer.</value>
    public TimeSpan? RetryAfter { get; init; }

    private static string PossiblyChargedNote(string? generationId) => generationId is null
        ? "The request was possibly charged: it may have reached the service before this failure, so check your balance (GetCreditsAsync) before sending it again."
        : $"The request was possibly charged: generation '{generationId}' exists; resume it with WaitForGenerationAsync(\"{generationId}\") instead of sending the request again.";
}
