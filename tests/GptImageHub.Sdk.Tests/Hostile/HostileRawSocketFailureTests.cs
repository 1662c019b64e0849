using System.Net.Sockets;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// SocketsHttpHandler does not wrap every socket failure: a connection the server resets as it is accepted can end
/// the send with a bare <see cref="SocketException"/> (thrown by <c>Socket.RemoteEndPoint</c> in its connect step; seen
/// against a loopback listener that closed with linger 0). The SDK let it out as it was, so a caller catching
/// <see cref="GptImageHubException"/> missed it, gih called it "Unexpected error" (exit 1), and a read was not retried.
/// It is now a transport failure like any other: <see cref="GptImageHubConnectionException"/>, a read retried, a
/// charged submit possibly charged and never repeated.
/// </summary>
public sealed class HostileRawSocketFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bare_socket_exception_from_the_handler_is_a_connection_failure_and_a_read_is_retried()
    {
        using var handler = new ResettingHandler();
        using var client = new GptImageHubClient(
            new HttpClient(handler, disposeHandler: false),
            new GptImageHubClientOptions { ApiKey = Infrastructure.TestKeys.ApiKey, BaseAddress = CannedAnswerHandler.BaseAddress, MaxRetries = 2, TimeProvider = new Infrastructure.ScaledClock(1000) });

        var failure = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(Ct));

        Assert.IsType<SocketException>(failure.InnerException);
        Assert.Equal(3, handler.Sends);
    }

    [Fact]
    public async Task A_bare_socket_exception_on_a_submit_is_possibly_charged_and_never_sent_again()
    {
        using var handler = new ResettingHandler();
        using var client = new GptImageHubClient(
            new HttpClient(handler, disposeHandler: false),
            new GptImageHubClientOptions { ApiKey = Infrastructure.TestKeys.ApiKey, BaseAddress = CannedAnswerHandler.BaseAddress, MaxRetries = 2, CheckBalanceBeforeSubmit = false });

        var failure = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a red fox"), Ct));

        Assert.True(failure.PossiblyCharged);
        Assert.Equal(1, handler.Sends);
    }

    private sealed class ResettingHandler : HttpMessageHandler
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            throw new SocketException((int)SocketError.ConnectionReset);
        }
    }
}
