namespace GptImageHub.Sdk.Http;

/// <summary>
/// The token that ends a call: the caller's cancellation or the call's time limit on the client's
/// <see cref="TimeProvider"/>, whichever comes first. <see cref="TimedOut"/> tells them apart.
/// </summary>
internal sealed class CallTimeout : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource? _linked;

    public CallTimeout(TimeSpan limit, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (limit == System.Threading.Timeout.InfiniteTimeSpan)
        {
            Token = cancellationToken;
            return;
        }

#if NET8_0_OR_GREATER
        _timer = new CancellationTokenSource(limit, timeProvider);
#else
        _timer = timeProvider.CreateCancellationTokenSource(limit);
#endif
        if (cancellationToken.CanBeCanceled)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
            Token = _linked.Token;
        }
        else
        {
            Token = _timer.Token;
        }
    }

    public CancellationToken Token { get; }

    public bool TimedOut => _timer?.IsCancellationRequested == true;

    public void Dispose()
    {
        _linked?.Dispose();
        _timer?.Dispose();
    }
}
