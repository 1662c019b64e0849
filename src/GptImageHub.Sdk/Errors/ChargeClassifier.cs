using System.Net;
using System.Net.Sockets;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// The one place that decides what a failed generation POST may have cost. The submit retry rule,
/// the exceptions' <see cref="GptImageHubException.PossiblyCharged"/> flag and the batch journal
/// all ask it; nothing else answers that question. When unsure, the answer is
/// <see cref="SubmitOutcome.PossiblyCharged"/>.
/// </summary>
internal static class ChargeClassifier
{
    /// <summary>Classifies any exception that ended a generation POST.</summary>
    public static SubmitOutcome Classify(Exception exception) => exception switch
    {
        // A consumer's handler may throw any type after the service answered, the SDK's own included.
        _ when ThrownByHandler.Contains(exception) => SubmitOutcome.PossiblyCharged,

        // Thrown before a byte left: the caller's mistake, a guard, a reference image that could not be read.
        // An ArgumentException only when the SDK's own check threw it: any code the submit runs after the
        // charge (a consumer's handler or logger) can throw one too.
        ArgumentException argument when ThrownBeforeSending.Contains(argument) => SubmitOutcome.NotSent,

        // A stop before sending (the batch's stop, gih's first Ctrl+C) that ended the submit while it prepared. Any other
        // cancellation may have come after the POST went: possibly charged, below.
        OperationCanceledException canceled when ThrownBeforeSending.Contains(canceled) => SubmitOutcome.NotSent,
        CreditLimitExceededException or ReferenceImageException => SubmitOutcome.NotSent,
        GptImageHubConnectionException connection => ForConnectionFailure(connection),

        // Stopped by Dispose: before the request was handed to the network nothing left; after, it may have.
        ClientDisposedException disposed => disposed.RequestSent ? SubmitOutcome.PossiblyCharged : SubmitOutcome.NotSent,
        InvalidResponseException => SubmitOutcome.PossiblyCharged,

        // The guards (no key configured, CheckBalanceBeforeSubmit) throw typed errors without a status.
        GptImageHubException { StatusCode: null } => SubmitOutcome.NotSent,

        // A refusal answers the last attempt only: one below the SDK that wrote the body before may have been
        // charged, and is possibly charged below.
        GptImageHubException { StatusCode: { } status, WrittenBefore: false } service => ForResponse(status, service.ErrorCode),

        // The client's own check on a call made after Dispose, before anything was sent: that very
        // exception, not any other that carries the same ObjectName.
        ObjectDisposedException disposed when ThrownBeforeSending.Contains(disposed) => SubmitOutcome.NotSent,
        _ => SubmitOutcome.PossiblyCharged,
    };

    /// <summary>
    /// Classifies an exception that came back from a call of <see cref="IGptImageHubClient.StartImageGenerationAsync"/>,
    /// whatever implements it, made under <paramref name="watch"/>. Only an exception the SDK's own submit threw in
    /// that call, passed on unchanged, and only when no SDK submit of that call could have been charged, can say not
    /// sent or refused: a decorator can submit, then throw from a call of its own, or pass on the refusal of a second
    /// submit (or of an earlier call), and that says nothing of what its first submit cost.
    /// </summary>
    public static SubmitOutcome ClassifyReturned(Exception exception, ThrownBySubmit watch)
    {
        var outcome = Classify(exception);
        return outcome == SubmitOutcome.PossiblyCharged || watch.OnlyUnchargedEndedWith(exception) ? outcome : SubmitOutcome.PossiblyCharged;
    }

    /// <summary>
    /// The job a failed submit paid for, when its exception names one: a <see cref="GptImageHubException"/>, or the
    /// <see cref="GenerationCanceledException"/> of a submit stopped (by a decorator's own token) after the answer named it.
    /// A blank id (a consumer's own exception can carry one; the SDK's never do) names no job: followed, it was
    /// journaled "submitted" with no real id and reported with advice to wait for generation "".
    /// </summary>
    public static string? PaidId(Exception exception) => (exception switch
    {
        GptImageHubException failure => failure.GenerationId,
        GenerationCanceledException canceled => canceled.GenerationId,
        _ => null,
    }) is { } id && !string.IsNullOrWhiteSpace(id) ? id : null;

    /// <summary>
    /// Completes an exception before it is thrown: when it ends a charged submit, it says whether
    /// the request was possibly charged.
    /// </summary>
    public static T Describe<T>(T exception, bool chargedSubmit)
        where T : GptImageHubException
    {
        exception.PossiblyCharged = chargedSubmit && Classify(exception) == SubmitOutcome.PossiblyCharged;
        return exception;
    }

    /// <summary>
    /// Only the service's own documented refusals charge nothing. A proxy or gateway in front of it can
    /// answer 502/503/504 (or anything else) after the service accepted and charged the job.
    /// </summary>
    public static SubmitOutcome ForResponse(HttpStatusCode status, string? errorCode) =>
        (int)status == 429 || ErrorMapper.IsDocumented(status, errorCode) ? SubmitOutcome.Refused : SubmitOutcome.PossiblyCharged;

    /// <summary>
    /// A connection that was refused or a name that did not resolve never carried the request; anything later may
    /// have. So may an earlier attempt of a handler below the SDK that retries, when it wrote the body.
    /// </summary>
    private static SubmitOutcome ForConnectionFailure(GptImageHubConnectionException exception)
    {
        if (exception.WrittenBefore || exception.InnerException is not HttpRequestException request)
        {
            return SubmitOutcome.PossiblyCharged;
        }

#if NET8_0_OR_GREATER
        if (request.HttpRequestError is HttpRequestError.NameResolutionError)
        {
            return SubmitOutcome.NotSent;
        }
#endif
        for (Exception? inner = request.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused
                    or SocketError.HostNotFound
                    or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable
                    or SocketError.NoData
                    or SocketError.TryAgain
                    ? SubmitOutcome.NotSent
                    : SubmitOutcome.PossiblyCharged;
            }
        }

        return SubmitOutcome.PossiblyCharged;
    }
}
