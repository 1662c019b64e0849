namespace GptImageHub.Sdk.Polling;

/// <summary>
/// The delays between polls: <see cref="PollingOptions.InitialInterval"/>, then doubling up to
/// <see cref="PollingOptions.MaxInterval"/>, each spread by up to ±20 % when jitter is on. A
/// server's <c>Retry-After</c> replaces the next delay without moving the backoff.
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

    public TimeSpan NextDelay(TimeSpan? retryAfter)
    {
        if (retryAfter is { } serverDelay)
        {
            return serverDelay;
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
        }

        return delay;
    }
}
