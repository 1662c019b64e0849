using System.Runtime.CompilerServices;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// The <see cref="ObjectDisposedException"/>s the SDK throws itself, on a call made after
/// <see cref="GptImageHubClient.Dispose"/> and before anything was sent. The charge classifier counts
/// only these as not sent: recognised by identity, not by <c>ObjectName</c>, because any other code
/// (a consumer's decorator that is also called GptImageHubClient, a handler) can throw one with the
/// same name after the POST reached the service, and reading that as "not sent" would let a batch
/// send the item again.
/// </summary>
internal static class DisposedBeforeSending
{
    private static readonly ConditionalWeakTable<ObjectDisposedException, object> Thrown = new();
    private static readonly object Mark = new();

    /// <summary>The exception for a call on a disposed client, remembered as the SDK's own.</summary>
    public static ObjectDisposedException Create(string message)
    {
        var exception = new ObjectDisposedException(nameof(GptImageHubClient), message);
        Thrown.Add(exception, Mark);
        return exception;
    }

    /// <summary>Whether the SDK threw this exception before sending anything.</summary>
    public static bool Contains(ObjectDisposedException exception) => Thrown.TryGetValue(exception, out _);
}
