namespace GptImageHub.Sdk.Http;

/// <summary>
/// The token that ends a call: the caller's cancellation, the client's disposal or the call's time
/// limit on the client's <see cref="TimeProvider"/>, whichever comes first. <see cref="TimedOut"/>
/// tells the limit from the others.
/// </summary>
/// <remarks>
/// Every call has a limit, so this sits on every request. On the system clock the timer source is
/// reused across calls (never once cancelled) and the caller's token is joined with a registration
/// rather than a linked source. Measured against a fresh linked source with a timer on the client's
/// clock per call: 660 B a call saved (29 % of GetCredits, 25 % of a three-poll generation;
/// docs/benchmarks.md, "Speed tricks, measured").
/// Arming and disarming the timer on every call was then the largest cost left, so a reused source
/// stays armed between calls, set 1 % of the limit (at most one second) beyond it, and is re-armed
/// only when it would end before the new call's deadline. A timeout therefore fires between the
/// limit and the limit plus that slack, never early. Any other clock (a test's fake one) gets a
/// fresh, exact source per call.
/// </remarks>
internal sealed class CallTimeout : IDisposable
{
    // Enough for the calls a busy process has in flight (each pooled item is a few hundred bytes);
    // beyond that a call simply allocates its own.
    private const int PoolLimit = 256;
    private static readonly System.Collections.Concurrent.ConcurrentQueue<CallTimeout> Pool = new();
    private static int s_pooled;

#if NET6_0_OR_GREATER
    // Kept across rentals, still armed, until it is cancelled; _armedUntil is when its timer ends.
    private CancellationTokenSource? _reusable;
    private long _armedUntil;
    private CancellationTokenRegistration _callerRegistration;
    private CancellationTokenRegistration _lifetimeRegistration;

    // Set when the caller or the client's disposal, not the timer, cancelled the reused source.
    private volatile bool _canceledByCaller;
#endif
    private CancellationTokenSource? _timer;
    private CancellationTokenSource? _linked;
    private bool _rented;

    private CallTimeout()
    {
    }

    public CancellationToken Token { get; private set; }

    public bool TimedOut
    {
        get
        {
#if NET6_0_OR_GREATER
            if (_timer is not null && ReferenceEquals(_timer, _reusable))
            {
                return _timer.IsCancellationRequested && !_canceledByCaller;
            }
#endif
            return _timer?.IsCancellationRequested == true;
        }
    }

    public static CallTimeout Start(TimeSpan limit, TimeProvider timeProvider, CancellationToken cancellationToken, CancellationToken lifetime = default)
    {
        var timeout = Rent();
        timeout.Begin(limit, timeProvider, cancellationToken, lifetime);
        return timeout;
    }

    public void Dispose()
    {
        if (!_rented)
        {
            return;
        }

        _rented = false;
        Token = default;
#if NET6_0_OR_GREATER
        _callerRegistration.Dispose();
        _callerRegistration = default;
        _lifetimeRegistration.Dispose();
        _lifetimeRegistration = default;
        if (_timer is not null && ReferenceEquals(_timer, _reusable))
        {
            // A cancelled source is never reused: an exception that escaped may still hold its token.
            if (_reusable.IsCancellationRequested)
            {
                _reusable.Dispose();
                _reusable = null;
                _armedUntil = 0;
            }

            _timer = null;
            _canceledByCaller = false;
            Return(this);
            return;
        }
#endif
        _linked?.Dispose();
        _timer?.Dispose();
        _linked = null;
        _timer = null;
        Return(this);
    }

    private void Begin(TimeSpan limit, TimeProvider timeProvider, CancellationToken cancellationToken, CancellationToken lifetime)
    {
        _rented = true;
        if (limit == System.Threading.Timeout.InfiniteTimeSpan)
        {
            if (lifetime.CanBeCanceled)
            {
                _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime);
                Token = _linked.Token;
            }
            else
            {
                Token = cancellationToken;
            }

            return;
        }

#if NET6_0_OR_GREATER
        if (ReferenceEquals(timeProvider, TimeProvider.System) && limit.TotalMilliseconds >= 1)
        {
            if (_reusable is { IsCancellationRequested: true })
            {
                // Its timer ran out while it sat in the pool.
                _reusable.Dispose();
                _reusable = null;
                _armedUntil = 0;
            }

            var source = _reusable ??= new CancellationTokenSource();
            _timer = source;
            var now = Environment.TickCount64;
            var deadline = now + (long)limit.TotalMilliseconds;
            if (_armedUntil < deadline || _armedUntil > deadline + Slack(limit))
            {
                var armedFor = limit + TimeSpan.FromMilliseconds(Slack(limit));
                source.CancelAfter(armedFor);
                _armedUntil = now + (long)armedFor.TotalMilliseconds;
            }

            if (cancellationToken.CanBeCanceled)
            {
                _callerRegistration = cancellationToken.UnsafeRegister(CancelFromOutside, this);
            }

            if (lifetime.CanBeCanceled)
            {
                _lifetimeRegistration = lifetime.UnsafeRegister(CancelFromOutside, this);
            }

            Token = source.Token;
            return;
        }
#endif

#if NET8_0_OR_GREATER
        _timer = new CancellationTokenSource(limit, timeProvider);
#else
        _timer = timeProvider.CreateCancellationTokenSource(limit);
#endif
        if (cancellationToken.CanBeCanceled || lifetime.CanBeCanceled)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime, _timer.Token);
            Token = _linked.Token;
        }
        else
        {
            Token = _timer.Token;
        }
    }

#if NET6_0_OR_GREATER
    private static void CancelFromOutside(object? state)
    {
        var timeout = (CallTimeout)state!;
        var timer = timeout._timer;
        if (timer is not null && !timer.IsCancellationRequested)
        {
            timeout._canceledByCaller = true;
            timer.Cancel();
        }
    }

    /// <summary>How late a reused timer may fire, in milliseconds: 1 % of the limit, at most a second.</summary>
    private static long Slack(TimeSpan limit) => Math.Min(1000, (long)limit.TotalMilliseconds / 100);
#endif

    private static CallTimeout Rent()
    {
        if (Pool.TryDequeue(out var timeout))
        {
            Interlocked.Decrement(ref s_pooled);
            return timeout;
        }

        return new CallTimeout();
    }

    private static void Return(CallTimeout timeout)
    {
        if (Interlocked.Increment(ref s_pooled) <= PoolLimit)
        {
            Pool.Enqueue(timeout);
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
#if NET6_0_OR_GREATER
            timeout._reusable?.Dispose();
#endif
        }
    }
}
