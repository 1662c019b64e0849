using System.Runtime.CompilerServices;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// The exceptions a consumer's handler threw out of a generation POST, or out of reading its answer through a stream
/// it wrapped: the handlers of the <see cref="HttpClient"/> the SDK was given run after the service answered, and may
/// throw anything, the SDK's own public exception types included (a budget handler's
/// <see cref="CreditLimitExceededException"/>, a handler's own <see cref="RateLimitedException"/> with a 429). Read by
/// its type, such an exception said "a guard, nothing sent" or "refused" for a POST that was charged. Recognised by
/// identity, each is possibly charged, whatever its type.
/// </summary>
internal static class ThrownByHandler
{
    private static readonly ConditionalWeakTable<Exception, object> Thrown = new();
    private static readonly object Mark = new();

    /// <summary>Remembers <paramref name="exception"/> as a handler's; always false, for use as an exception filter that lets it pass.</summary>
    public static bool Remember(Exception exception)
    {
        _ = Thrown.GetValue(exception, static _ => Mark);
        return false;
    }

    /// <summary>Whether a consumer's handler threw this exception out of a generation POST or the reading of its answer.</summary>
    public static bool Contains(Exception exception) => Thrown.TryGetValue(exception, out _);
}
