using System.Diagnostics;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A clock that runs <see cref="Factor"/> times faster than real time: every timer the SDK starts on
/// it (request timeouts, poll delays, retry backoff) fires after its due time divided by the factor,
/// and the clock reads the real time elapsed multiplied by it. Unlike <see cref="SteppingClock"/> it
/// also moves while the code under test waits on a socket, so a stalled connection times out as it
/// would in production, only sooner. A fake second lasts 1/<see cref="Factor"/> of a real one.
/// </summary>
internal sealed class ScaledClock : TimeProvider
{
    private readonly long _startTicks = Stopwatch.GetTimestamp();

    public ScaledClock(int factor, DateTimeOffset? start = null)
    {
        Factor = factor;
        Start = start ?? new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    }

    public int Factor { get; }

    public DateTimeOffset Start { get; }

    /// <summary>Fake time elapsed since the clock was made.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Stopwatch.GetElapsedTime(_startTicks).Ticks * Factor);

    public override DateTimeOffset GetUtcNow() => Start + Elapsed;

    public override long GetTimestamp() => (Stopwatch.GetTimestamp() - _startTicks) * Factor;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan fake) =>
        fake == Timeout.InfiniteTimeSpan || fake == TimeSpan.Zero
            ? fake

            // Rounded up, so a timer never fires before its fake due time.
            : TimeSpan.FromTicks((fake.Ticks + Factor - 1) / Factor);

    private sealed class ScaledTimer(ITimer inner, ScaledClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
