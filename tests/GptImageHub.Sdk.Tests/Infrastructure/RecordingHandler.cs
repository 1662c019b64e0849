using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>Records every request the SDK sends (with the fake time it was sent at) before passing it on.</summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private readonly TimeProvider _time;

    public RecordingHandler(TimeProvider time, HttpMessageHandler? inner = null)
    {
        _time = time;
        InnerHandler = inner ?? new SocketsHttpHandler { AllowAutoRedirect = false };
    }

    public ConcurrentQueue<SentRequest> Sent { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sent.Enqueue(new SentRequest(_time.GetUtcNow(), request.Method, request.RequestUri!, request.Headers.Authorization));
        return base.SendAsync(request, cancellationToken);
    }

    internal sealed record SentRequest(DateTimeOffset At, HttpMethod Method, Uri Uri, AuthenticationHeaderValue? Authorization);
}
