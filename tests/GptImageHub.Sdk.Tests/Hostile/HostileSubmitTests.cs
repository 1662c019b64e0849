using System.Net;
using System.Net.Sockets;
using System.Text;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on "never pay twice": a connection the server drops after reading a submit on a reused
/// keep-alive connection (where the handler itself may resend), and an ObjectDisposedException
/// that is not the client's own before-send check.
/// </summary>
public sealed class HostileSubmitTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_submit_whose_reused_connection_is_dropped_after_it_was_read_is_sent_once(int maxRetries)
    {
        // The first connection answers a GET with keep-alive, then reads the POST whole and closes
        // without a word: the handler may retry a request on a reused connection that died, and a
        // second connection would accept the resent POST.
        await using var server = new KeepAliveServer();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = maxRetries, RequestTimeout = TimeSpan.FromSeconds(5) });
        await client.GetCreditsAsync(T);

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.True(ex.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(1, server.Posts);
    }

    [Fact]
    public async Task An_ObjectDisposedException_named_like_the_client_from_a_handler_after_the_submit_left_is_possibly_charged()
    {
        // A consumer's decorator (or anything else) may be called GptImageHubClient too: the simple
        // name is all nameof gives. Thrown after the POST reached the service, it must not read as
        // "nothing was sent", or a batch journals NotSent and sends the item again on resume.
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Respond(202, SeedResponses.AsyncQueued));
        using var http = new HttpClient(new ThrowAfterSending(new SocketsHttpHandler()));
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress });

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.Single(server.Received, r => r.Method == "POST");
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(BatchJournalEvent.Unknown, BatchRunner.JournalEventFor(ChargeClassifier.Classify(ex)));
    }

    [Fact]
    public async Task A_submit_on_a_disposed_client_was_not_sent()
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Respond(202, SeedResponses.AsyncQueued));
        var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress });
        client.Dispose();

        var ex = await Assert.ThrowsAsync<ObjectDisposedException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.Equal(SubmitOutcome.NotSent, ChargeClassifier.Classify(ex));
        Assert.Empty(server.Received);
    }

    private sealed class ThrowAfterSending(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var response = await base.SendAsync(request, cancellationToken);
            throw new ObjectDisposedException(nameof(GptImageHubClient));
        }
    }

    /// <summary>
    /// A loopback HTTP/1.1 server that keeps its first connection open: it answers the first request
    /// on it, then reads the next one whole and closes. Every later connection answers a POST 202.
    /// </summary>
    private sealed class KeepAliveServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _posts;

        public KeepAliveServer()
        {
            _listener.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _loop = AcceptAsync();
        }

        public Uri BaseAddress { get; }

        public int Posts => Volatile.Read(ref _posts);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            var first = true;
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket, first);
                first = false;
            }
        }

        private async Task ServeAsync(Socket socket, bool first)
        {
            using (socket)
            using (var stream = new NetworkStream(socket, ownsSocket: false))
            {
                try
                {
                    var served = 0;
                    while (await ReadRequestAsync(stream) is { } method)
                    {
                        if (method == "POST")
                        {
                            Interlocked.Increment(ref _posts);
                        }

                        if (first && served == 1)
                        {
                            // The reused connection dies after the request arrived whole.
                            socket.Shutdown(SocketShutdown.Both);
                            return;
                        }

                        var body = method == "POST" ? SeedResponses.AsyncQueued : """{"credits":5,"account_type":"PRO"}""";
                        var bytes = Encoding.UTF8.GetBytes(body);
                        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {(method == "POST" ? 202 : 200)} OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n");
                        await stream.WriteAsync(head, _stop.Token);
                        await stream.WriteAsync(bytes, _stop.Token);
                        served++;
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                {
                }
            }
        }

        /// <summary>Reads one request's head and body; returns its method, or null at the end of the connection.</summary>
        private async Task<string?> ReadRequestAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0)
                {
                    return null;
                }

                head.Append((char)one[0]);
            }

            var lines = head.ToString().Split("\r\n");
            var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var body = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await stream.ReadAsync(body.AsMemory(read), _stop.Token);
                if (n == 0)
                {
                    return null;
                }

                read += n;
            }

            return lines[0].Split(' ')[0];
        }
    }
}
