using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk.Polling;

/// <summary>
/// The delays between polls: <see cref="PollingOptions.InitialInterval"/>, then doubling up to
/// <see cref="PollingOptions.MaxInterval"/>, each spread by up to ±20 % when jitter is on. A
/// server's <c>Retry-After</c> replaces the next delay without moving the backoff. No delay is ever
/// shorter than <see cref="PollingOptions.InitialInterval"/>, whatever the server says, and a
/// <c>Retry-After</c> is honoured up to <see cref="MaxServerDelay"/> (or MaxInterval when longer).
/// Every wait of a generation and every job of a batch takes its delays from here.
/// </summary>
internal sealed class PollSchedule
{
    private const double JitterSpread = 0.2;

    private readonly PollingOptions _options;
    private readonly Random? _random;
    private TimeSpan _backoff;

    public PollSchedule(PollingOptions options, Random? random)
    {
        _options = options;
        _random = options.UseJitter ? random ?? new Random() : null;
        _backoff = options.InitialInterval;
    }

    /// <summary>
    /// The longest wait a poll answer's <c>Retry-After</c> may set (unless MaxInterval is longer): a
    /// far-future value or date, from a hostile server or a clock that runs ahead, would otherwise
    /// park the wait until its deadline. Send retries cap the server's wait at the same value.
    /// </summary>
    public static TimeSpan MaxServerDelay => RetryStrategy.MaxServerDelay;

    /// <summary>The shortest delay between two polls: <see cref="PollingOptions.InitialInterval"/>.</summary>
    public TimeSpan Minimum => _options.InitialInterval;

    public TimeSpan NextDelay(TimeSpan? retryAfter)
    {
        if (retryAfter is { } serverDelay)
        {
            // Retry-After: 0, or a date that a server clock running behind puts in the past, would
            // poll in a tight loop: a server's wait is held between the schedule's bounds.
            var ceiling = _options.MaxInterval > MaxServerDelay ? _options.MaxInterval : MaxServerDelay;
            return serverDelay < Minimum ? Minimum : serverDelay > ceiling ? ceiling : serverDelay;
        }

        var delay = _backoff;
        var doubled = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _options.MaxInterval.Ticks));
        _backoff = doubled < _backoff ? _options.MaxInterval : doubled;

        if (_random is not null)
        {
            var factor = 1 + (((_random.NextDouble() * 2) - 1) * JitterSpread);
            delay = TimeSpan.FromTicks((long)(delay.Ticks * factor));
            if (delay > _options.MaxInterval)
            {
                delay = _options.MaxInterval;
            }

            // Jitter spreads the polls out, never closer together than the configured minimum.
            if (delay < Minimum)
            {
                delay = Minimum;
            }
        }

        return delay;
    }
}
