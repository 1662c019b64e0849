using System.Runtime.CompilerServices;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// The exceptions the SDK threw itself before its POST was sent whole: a check of the request or of a
/// reference image, an image that grew past the API's limit while its body was written, a call made
/// after <see cref="GptImageHubClient.Dispose"/>, and a stop before sending that ended the submit while it prepared. The charge classifier counts an <see cref="ArgumentException"/>
/// or an <see cref="ObjectDisposedException"/> as not sent only when it is one of these, recognised by identity:
/// they are the commonest exceptions there are, and a submit runs the consumer's own code after the service
/// charged the request (the handlers of an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>, a logger, a
/// decorator that is also called GptImageHubClient), where a <c>Dictionary.Add</c> of a duplicate key or a
/// disposed object of the consumer's throws one. Read as "not sent", that sent a paid item again.
/// </summary>
internal static class ThrownBeforeSending
{
    private static readonly ConditionalWeakTable<Exception, object> Thrown = new();
    private static readonly object Mark = new();

    /// <summary>Remembers <paramref name="exception"/> as thrown before sending; always false, for use as an exception filter that lets it pass.</summary>
    public static bool Remember(Exception exception)
    {
        _ = Thrown.GetValue(exception, static _ => Mark);
        return false;
    }

    /// <summary>The exception for a call on a disposed client, remembered as thrown before sending.</summary>
    public static ObjectDisposedException Disposed(string message)
    {
        var exception = new ObjectDisposedException(nameof(GptImageHubClient), message);
        _ = Remember(exception);
        return exception;
    }

    /// <summary>Whether the SDK threw this exception before its POST was sent whole.</summary>
    public static bool Contains(Exception exception) => Thrown.TryGetValue(exception, out _);
}
