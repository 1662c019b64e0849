using System.Runtime.CompilerServices;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// The exceptions that ended a submit of the SDK's own client (<see cref="GptImageHubClient.StartImageGenerationAsync"/>).
/// A batch runs over any <see cref="IGptImageHubClient"/>: what a consumer's decorator or fake throws from its
/// submit may come from a call of its own made after its submit reached the service (an argument check, a
/// disposed client, a refused request), so only these, recognised by identity, may say that nothing was charged.
/// </summary>
internal static class ThrownBySubmit
{
    private static readonly ConditionalWeakTable<Exception, object> Thrown = new();
    private static readonly object Mark = new();

    /// <summary>Remembers <paramref name="exception"/> as one the SDK's submit threw; always false, for use as an exception filter that lets it pass.</summary>
    public static bool Remember(Exception exception)
    {
        _ = Thrown.GetValue(exception, static _ => Mark);
        return false;
    }

    /// <summary>Whether the SDK's own submit threw this exception.</summary>
    public static bool Contains(Exception exception) => Thrown.TryGetValue(exception, out _);
}
