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
        new ScaledTimer(this, callback, state, dueTime, period);

    private TimeSpan Scale(TimeSpan fake) =>
        fake == Timeout.InfiniteTimeSpan || fake == TimeSpan.Zero
            ? fake
            : TimeSpan.FromTicks((fake.Ticks + Factor - 1) / Factor);

    /// <summary>
    /// A timer that never fires before its fake due time. The runtime's timers run on a coarse clock
    /// (on Linux <c>CLOCK_MONOTONIC_COARSE</c>, a few milliseconds a tick) and may fire that much
    /// early against <see cref="Stopwatch"/>; scaled by <see cref="Factor"/> that is tens of fake
    /// milliseconds, enough to look like a poll sent before its interval. So a timer that wakes early
    /// re-arms for what is left instead of calling back.
    /// </summary>
    private sealed class ScaledTimer : ITimer
    {
        private readonly ScaledClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;
        private readonly Lock _gate = new();
        private TimeSpan _due = Timeout.InfiniteTimeSpan;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ScaledTimer(ScaledClock clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _inner = System.CreateTimer(static self => ((ScaledTimer)self!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                _due = dueTime == Timeout.InfiniteTimeSpan ? dueTime : _clock.Elapsed + dueTime;
                _period = period;
                return _inner.Change(_clock.Scale(dueTime), Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose() => _inner.Dispose();

        public ValueTask DisposeAsync() => _inner.DisposeAsync();

        private void Fire()
        {
            lock (_gate)
            {
                if (_due == Timeout.InfiniteTimeSpan)
                {
                    return;
                }

                var left = _due - _clock.Elapsed;
                if (left > TimeSpan.Zero)
                {
                    // At least a real millisecond: a shorter due time is rounded down to none.
                    _inner.Change(TimeSpan.FromTicks(Math.Max(_clock.Scale(left).Ticks, TimeSpan.TicksPerMillisecond)), Timeout.InfiniteTimeSpan);
                    return;
                }

                _due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : _due + _period;
                if (_due != Timeout.InfiniteTimeSpan)
                {
                    _inner.Change(_clock.Scale(_due - _clock.Elapsed > TimeSpan.Zero ? _due - _clock.Elapsed : TimeSpan.FromTicks(1)), Timeout.InfiniteTimeSpan);
                }
            }

            _callback(_state);
        }
    }
}
