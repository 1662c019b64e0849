using System.Net;
using Polly;
using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Errors;
using Microsoft.Extensions.Logging;
using Polly.Retry;

namespace GptImageHub.Sdk.Http;

/// <summary>Which failures a call may be repeated after.</summary>
internal enum RetryKind
{
    /// <summary>Never repeated: polls, whose own loop already waits through transient failures.</summary>
    None,

    /// <summary>Safe to repeat (every GET): connection failures, timeouts, 408, 429, 500 without <c>generationFailed</c>, 502, 503, 504.</summary>
    Safe,

    /// <summary>
    /// A charged POST: repeated only when the service cannot have received it (connection refused,
    /// name resolution failure) or refused it unprocessed (429).
    /// </summary>
    Submit,
}

/// <summary>
/// The SDK's retry rules as Polly v8 pipelines on the client's clock: exponential backoff with
/// jitter from 1 s up to 30 s, <c>Retry-After</c> honoured up to <see cref="MaxServerDelay"/>.
/// Polly's default <c>ShouldHandle</c> (every exception) is deliberately not used: it would resend
/// a charged POST.
/// </summary>
internal sealed class RetryStrategy
{
    /// <summary>A server that asks for a longer wait gets its answer passed to the caller instead of a hidden stall.</summary>
    public static readonly TimeSpan MaxServerDelay = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);

    private readonly ResiliencePipeline _safe;
    private readonly ResiliencePipeline _submit;

    public RetryStrategy(int maxRetries, TimeProvider timeProvider, ILogger logger)
    {
        _safe = Build(maxRetries, timeProvider, logger, IsRetriableForSafeCall);
        _submit = Build(maxRetries, timeProvider, logger, IsRetriableForSubmit);
    }

    /// <summary>The call being retried, so a retry log line can name it.</summary>
    public static readonly ResiliencePropertyKey<ApiCall> CallKey = new("gptimagehub.call");

    public ResiliencePipeline For(RetryKind kind) => kind switch
    {
        RetryKind.Safe => _safe,
        RetryKind.Submit => _submit,
        _ => ResiliencePipeline.Empty,
    };

    /// <summary>Whether a GET that failed this way, the service asking for <paramref name="retryAfter"/>, may be sent again.</summary>
    internal static bool IsRetriableForSafeCall(Exception exception, TimeSpan? retryAfter) => exception switch
    {
        GptImageHubConnectionException => true,
        RateLimitedException => true,
        GenerationFailedException => false,
        ServiceException { StatusCode: { } status } => status is HttpStatusCode.RequestTimeout
            or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout,
        _ => false,
    } && !AsksForTooLongAWait(retryAfter);

    /// <summary>
    /// Whether a generation POST that failed this way may be sent again: only when the charge
    /// classifier says it never left (and the network, not the caller, stopped it), or the service
    /// refused it unprocessed with 429. Anything possibly charged is never repeated.
    /// </summary>
    internal static bool IsRetriableForSubmit(Exception exception, TimeSpan? retryAfter) => ChargeClassifier.Classify(exception) switch
    {
        SubmitOutcome.NotSent => exception is GptImageHubConnectionException,
        SubmitOutcome.Refused => exception is RateLimitedException && !AsksForTooLongAWait(retryAfter),
        _ => false,
    };

    private static bool AsksForTooLongAWait(TimeSpan? retryAfter) => retryAfter > MaxServerDelay;

    /// <summary>
    /// Whether the outcome Polly holds is a failed attempt to try again. Attempts hand their failure
    /// back as data (<see cref="IAttemptOutcome"/>); anything thrown (the caller's cancellation) is
    /// never retried.
    /// </summary>
    internal static bool ShouldRetry(object? outcome, Func<Exception, TimeSpan?, bool> shouldRetry) =>
        outcome is IAttemptOutcome { Failure: { } failure } attempt && shouldRetry(failure, attempt.RetryAfter);

    /// <summary>The wait the service asked for with the failed attempt, or null for the backoff's own.</summary>
    internal static TimeSpan? ServerDelay(object? outcome) => (outcome as IAttemptOutcome)?.RetryAfter;

    private static ResiliencePipeline Build(int maxRetries, TimeProvider timeProvider, ILogger logger, Func<Exception, TimeSpan?, bool> shouldRetry)
    {
        if (maxRetries <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                MaxDelay = MaxServerDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome.Result, shouldRetry)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(ServerDelay(args.Outcome.Result)),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(CallKey, out var call))
                    {
                        Log.Retrying(logger, call.Method.Method, call.Path, args.RetryDelay.TotalMilliseconds, (args.Outcome.Result as IAttemptOutcome)?.Failure?.GetType().Name ?? "none", args.AttemptNumber + 1);
                    }

                    return default;
                },
            })
            .Build();
    }
}
