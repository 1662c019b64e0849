namespace GptImageHub.Cli.Progress;

/// <summary>
/// Counts the requests that read a generation. The SDK reports status changes only, not each poll,
/// so the live display counts them on the wire.
/// </summary>
internal sealed class PollCountingHandler : DelegatingHandler
{
    private int _polls;

    public PollCountingHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>Generation reads sent so far.</summary>
    public int Polls => Volatile.Read(ref _polls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get
            && request.RequestUri?.AbsolutePath.Contains("/api/v1/generations/", StringComparison.Ordinal) == true)
        {
            Interlocked.Increment(ref _polls);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
