using System.Net;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// What one attempt of a call hands the layer above: the parsed answer, or the exception the caller
/// will get if nothing tries again, built complete; in both cases the wait the service asked for
/// (<c>Retry-After</c>). The retry strategy and the poller decide from this, never from data read
/// back out of an exception.
/// </summary>
internal readonly struct Attempt<T> : IAttemptOutcome
{
    private Attempt(ApiResponse<T> response, GptImageHubException? failure, TimeSpan? retryAfter)
    {
        Response = response;
        Failure = failure;
        RetryAfter = retryAfter;
    }

    /// <summary>The answer; <c>default</c> when <see cref="Failure"/> is set.</summary>
    public ApiResponse<T> Response { get; }

    public GptImageHubException? Failure { get; }

    public TimeSpan? RetryAfter { get; }

    public static Attempt<T> Succeeded(T value, HttpStatusCode statusCode, TimeSpan? retryAfter) =>
        new(new ApiResponse<T>(value, statusCode), failure: null, retryAfter);

    public static Attempt<T> Failed(GptImageHubException failure, TimeSpan? retryAfter) =>
        new(default, failure, retryAfter);

    /// <summary>The answer, or the attempt's failure thrown: where a layer hands the outcome to its caller.</summary>
    public ApiResponse<T> ResponseOrThrow() => Failure is { } failure ? throw failure : Response;
}

/// <summary>An attempt's outcome as the retry pipeline sees it, whatever its answer's type.</summary>
internal interface IAttemptOutcome
{
    /// <summary>Why the attempt failed, or null when it has an answer.</summary>
    GptImageHubException? Failure { get; }

    /// <summary>How long the service asked the client to wait (the <c>Retry-After</c> header), if it did.</summary>
    TimeSpan? RetryAfter { get; }
}
