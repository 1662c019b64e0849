using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A transport failure that quotes an answer line echoing the key ("Received an invalid status line: '...'") has the
/// key masked in the connection failure the SDK makes of it (HostileEchoedKeyTransportTests). The same failure, ending
/// a call while the client was being disposed (an application shutting down while a consumer's handler still logged
/// the failure), became a <see cref="ClientDisposedException"/> carrying the handler's exception as it was: the key,
/// plain and as hex bytes, in its <c>ToString</c> and every log of it. Its cause is now masked like any other.
/// </summary>
public sealed class HostileDisposedEchoTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool> Echoes() => new()
    {
        { TestKeys.ApiKey + " 200 OK\r\n\r\n", true },
        { "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + TestKeys.ApiKey + "\r\n{}\r\n0\r\n\r\n", true },
        { TestKeys.ApiKey + " 200 OK\r\n\r\n", false },
        { "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + TestKeys.ApiKey + "\r\n{}\r\n0\r\n\r\n", false },
    };

    /// <summary>Stopped by the client's disposal, or by the caller's token: HttpClient wraps the failure in its cancellation either way.</summary>
    [Theory]
    [MemberData(nameof(Echoes))]
    public async Task A_key_echoed_in_a_transport_failure_that_ends_a_stopped_call_never_reaches_the_exception(string answer, bool disposed)
    {
        await using var server = new RawAnswerServer(async (_, _, stream) => await stream.WriteAsync(Encoding.ASCII.GetBytes(answer)));
        var handler = new SlowToReport(new SocketsHttpHandler());
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(T);
        var submit = client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), cancel.Token);
        await handler.Failed.Task.WaitAsync(TimeSpan.FromSeconds(10), T);
        if (disposed)
        {
            client.Dispose();
        }
        else
        {
            await cancel.CancelAsync();
        }

        handler.Report.SetResult();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => submit);
        client.Dispose();

        Assert.DoesNotContain("T3stK3y", ex.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(BitConverter.ToString(Encoding.UTF8.GetBytes(TestKeys.ApiKey)), ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        if (disposed)
        {
            Assert.True(Assert.IsType<ClientDisposedException>(ex).PossiblyCharged, ex.Message);
        }
        else
        {
            Assert.IsAssignableFrom<OperationCanceledException>(ex);
        }
    }

    /// <summary>A consumer's handler that reports a failed send (a log written somewhere slow) before passing it on.</summary>
    private sealed class SlowToReport(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Report { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            catch (HttpRequestException)
            {
                Failed.TrySetResult();
                await Report.Task;
                throw;
            }
        }
    }
}
