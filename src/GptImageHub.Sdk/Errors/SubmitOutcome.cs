namespace GptImageHub.Sdk;

/// <summary>
/// What a failed generation POST may have cost. The POST is charged when the service accepts it and
/// has no idempotency key, so this decides whether it may be sent again.
/// </summary>
/// <remarks>
/// The zero value is <see cref="PossiblyCharged"/> on purpose: an outcome nobody decided is the
/// cautious one.
/// </remarks>
internal enum SubmitOutcome
{
    /// <summary>
    /// The request may have reached the service and been charged: a 5xx (other than the refunded
    /// <c>generationFailed</c>), a 408, a timeout or reset after sending, a cut or unreadable 2xx
    /// body, or anything not known to be safe. Sending it again may pay twice.
    /// </summary>
    PossiblyCharged = 0,

    /// <summary>
    /// The request never left: a caller's mistake, a cost guard, an unreadable reference image, a
    /// refused connection or a name that did not resolve. Nothing was charged.
    /// </summary>
    NotSent = 1,

    /// <summary>
    /// The service itself answered with a documented error that charges nothing (400
    /// <c>invalid_request</c>, 401, 402, 404, 429, or 500 <c>generationFailed</c>, which is refunded).
    /// </summary>
    Refused = 2,
}
