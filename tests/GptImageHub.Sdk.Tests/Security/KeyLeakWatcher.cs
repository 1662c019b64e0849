using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using GptImageHub.Sdk.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(GptImageHub.Sdk.Tests.Security.KeyLeakWatcher))]

namespace GptImageHub.Sdk.Tests.Security;

/// <summary>
/// Watches every exception thrown anywhere in the test run, and fails the run if one that the SDK
/// raised (or let through) shows the test key in its message, its <c>ToString()</c> or its
/// <c>Data</c>. This turns the whole suite, with every fault it provokes, into a leak scan.
/// </summary>
public sealed class KeyLeakWatcher : IDisposable
{
    private static readonly ConcurrentQueue<string> Leaks = new();
    private static int s_inspected;

    public KeyLeakWatcher() => AppDomain.CurrentDomain.FirstChanceException += Inspect;

    public static int Inspected => Volatile.Read(ref s_inspected);

    public static IReadOnlyCollection<string> Found => Leaks;

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= Inspect;
        if (!Leaks.IsEmpty)
        {
            throw new InvalidOperationException("The API key leaked into exceptions:\n" + string.Join("\n---\n", Leaks));
        }
    }

    private static void Inspect(object? sender, FirstChanceExceptionEventArgs e)
    {
        var exception = e.Exception;
        if (exception is not (GptImageHubException or ArgumentException or OperationCanceledException or InvalidOperationException))
        {
            return;
        }

        Interlocked.Increment(ref s_inspected);
        try
        {
            var text = exception.ToString() + string.Join(",", exception.Data.Values.Cast<object?>());
            if (text.Contains(TestKeys.ApiKey, StringComparison.Ordinal) && !IsDeliberate(exception))
            {
                Leaks.Enqueue(text);
            }
        }
        catch (Exception)
        {
            // ToString of a half-built exception can throw; it is not ours to judge then.
        }
    }

    /// <summary>
    /// xunit's own assertion failures quote the values compared; those are the tests speaking, not the SDK. And the
    /// cancellation HttpClient itself throws around a failure it saw after the call was stopped (its handler's quote of
    /// an answer line that echoes the key): the SDK catches it and hands out its own, masked, which is checked.
    /// </summary>
    private static bool IsDeliberate(Exception exception) =>
        exception.GetType().Namespace?.StartsWith("Xunit", StringComparison.Ordinal) == true
        || (exception is OperationCanceledException && exception.TargetSite?.DeclaringType?.Assembly == typeof(HttpClient).Assembly);
}
