using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A fake clock that moves only when the code under test is waiting on a delay: each
/// <c>Task.Delay(..., timeProvider)</c> timer the SDK creates is announced, and <see cref="RunAsync{T}"/>
/// advances the fake time to exactly its due time. Request timeouts (timers owned by a
/// <see cref="CancellationTokenSource"/>) are not announced, so they fire only when a test moves
/// time itself. A 15-minute wait thus runs in milliseconds, with exact, assertable times.
/// </summary>
internal sealed class SteppingClock : TimeProvider
{
    private readonly Channel<TimeSpan> _delays = Channel.CreateUnbounded<TimeSpan>();

    private readonly TimeSpan _realTimeout;

    /// <param name="start">The fake time to start at.</param>
    /// <param name="realTimeout">How long, in real time, a wait for the code under test's next delay lasts before it fails.</param>
    public SteppingClock(DateTimeOffset? start = null, TimeSpan? realTimeout = null)
    {
        Fake = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        _realTimeout = realTimeout ?? TimeSpan.FromSeconds(30);
    }

    public FakeTimeProvider Fake { get; }

    public DateTimeOffset Start => Fake.Start;

    /// <summary>Fake time elapsed since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => Fake.GetUtcNow() - Fake.Start;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        if (state is not CancellationTokenSource && dueTime != Timeout.InfiniteTimeSpan)
        {
            _delays.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Runs <paramref name="task"/> to its end, moving fake time through every delay it waits on.</summary>
    public async Task<T> RunAsync<T>(Task<T> task, int maxSteps = 10_000)
    {
        await RunAsync((Task)task, maxSteps);
        return await task;
    }

    public async Task RunAsync(Task task, int maxSteps = 10_000)
    {
        for (var step = 0; step < maxSteps; step++)
        {
            if (await NextDelayOrEndAsync(task) is not { } due)
            {
                return;
            }

            Fake.Advance(due);
        }

        throw new InvalidOperationException($"The task did not finish within {maxSteps} delays.");
    }

    /// <summary>Waits (in real time) until the code under test starts its next delay, and returns its length.</summary>
    public async Task<TimeSpan> NextDelayAsync() =>
        await _delays.Reader.ReadAsync().AsTask().WaitAsync(_realTimeout);

    /// <summary>
    /// Waits (in real time) until the code under test starts its next delay and returns its length,
    /// or returns <see langword="null"/> once <paramref name="task"/> ends first. Nothing is left
    /// waiting behind it: a read left pending would fault with a timeout later, unobserved, in
    /// whichever test happens to be watching <see cref="TaskScheduler.UnobservedTaskException"/>.
    /// </summary>
    public async Task<TimeSpan?> NextDelayOrEndAsync(Task task)
    {
        using var ended = new CancellationTokenSource();
        var next = _delays.Reader.ReadAsync(ended.Token).AsTask();
        var finished = await Task.WhenAny(task, next).WaitAsync(_realTimeout);
        if (finished == next)
        {
            return await next;
        }

        await ended.CancelAsync();
        try
        {
            // A delay announced as the task ended is dropped with it: the task is over.
            await next;
        }
        catch (OperationCanceledException)
        {
        }

        return null;
    }
}
