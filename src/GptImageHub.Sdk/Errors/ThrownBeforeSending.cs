using System.Runtime.CompilerServices;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// The <see cref="ArgumentException"/>s the SDK's submit threw itself before its POST was sent whole: a check of
/// the request or of a reference image, and an image that grew past the API's limit while its body was written.
/// The charge classifier counts only these as not sent, recognised by identity: an ArgumentException is the
/// commonest exception there is, and the submit runs the consumer's own code after the service charged the
/// request (the handlers of an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>, a logger), where a
/// <c>Dictionary.Add</c> of a duplicate key throws one. Read as "not sent", that sent a paid item again.
/// </summary>
internal static class ThrownBeforeSending
{
    private static readonly ConditionalWeakTable<ArgumentException, object> Thrown = new();
    private static readonly object Mark = new();

    /// <summary>Remembers <paramref name="exception"/> as thrown before sending; always false, for use as an exception filter that lets it pass.</summary>
    public static bool Remember(ArgumentException exception)
    {
        _ = Thrown.GetValue(exception, static _ => Mark);
        return false;
    }

    /// <summary>Whether the SDK's submit threw this exception before its POST was sent whole.</summary>
    public static bool Contains(ArgumentException exception) => Thrown.TryGetValue(exception, out _);
}
