namespace GptImageHub.Sdk;

/// <summary>
/// How a wait polls a generation job: the first poll after <see cref="InitialInterval"/>, then
/// exponential backoff (doubling, with jitter) up to <see cref="MaxInterval"/>, for at most
/// <see cref="Timeout"/> in all. A <c>Retry-After</c> header on a poll answer sets the next delay,
/// held between <see cref="InitialInterval"/> and 30 seconds (or <see cref="MaxInterval"/> when
/// longer): <c>Retry-After: 0</c>, a date in the past or a date years ahead can neither make the
/// SDK poll in a tight loop nor park the wait.
/// </summary>
public sealed class PollingOptions
{
    /// <summary>The delay before the first poll, and the shortest delay between two polls, whatever a server's <c>Retry-After</c> or the jitter says.</summary>
    /// <value>The default is 2 seconds: most images take longer than that, and a faster first poll only costs a request.</value>
    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between two polls.</summary>
    /// <value>The default is 10 seconds: a finished image is seen within 10 s, at about six requests a minute per job.</value>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a wait may last in all before it gives up with <see cref="GenerationTimeoutException"/>.</summary>
    /// <value>The default is 20 minutes: the service may run a generation for 800 s after it leaves the queue.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Whether each delay is spread by up to ±20 % (never below <see cref="InitialInterval"/>), so many waiting jobs do not poll in lockstep.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    internal PollingOptions Clone() => (PollingOptions)MemberwiseClone();
}
