using System.Diagnostics;

namespace GptImageHub.Sdk.Diagnostics;

/// <summary>
/// Starts and ends the SDK's activities whatever a consumer's <see cref="ActivityListener"/> throws from ActivityStopped.
/// An HTTP request's activity ends once the answer's headers are in, before a charged submit's body (its job id) is read:
/// a listener that threw there ended the call with its own exception, the answer undisposed and the paid job's id
/// never read. Tracing that fails is dropped, as a failed log line is (<see cref="GuardedLogger"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types", Justification = "Never compared.")]
internal readonly struct QuietActivity : IDisposable
{
    private readonly Activity? _activity;

    private QuietActivity(Activity? activity) => _activity = activity;

    /// <summary>The activity started, or none when a listener's Sample or ActivityStarted callback threw.</summary>
    public Activity? Activity => _activity;

    public static QuietActivity Start(string name, ActivityKind kind)
    {
        try
        {
            return new QuietActivity(GptImageHubTelemetry.ActivitySource.StartActivity(name, kind));
        }
        catch (Exception)
        {
            // A listener's failure: the request goes on untraced.
            return default;
        }
    }

    /// <summary>Stops <paramref name="activity"/>, dropping whatever a listener's ActivityStopped throws.</summary>
    public static void Stop(Activity? activity)
    {
        try
        {
            activity?.Dispose();
        }
        catch (Exception)
        {
            // A listener's failure: dropped (see the class remarks).
        }
    }

    public void Dispose() => Stop(_activity);
}
