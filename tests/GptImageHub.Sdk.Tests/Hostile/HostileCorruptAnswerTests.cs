using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A gzip answer whose compressed bytes turn corrupt part-way (the client's own handler inflates
/// it, and the inflater throws InvalidDataException, which is not an IOException): it is the
/// network's failure like a cut, never a raw exception, and a charged submit's names the job its
/// answer named before the corruption, sent once.
/// </summary>
public sealed class HostileCorruptAnswerTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_submit_whose_gzip_answer_turns_corrupt_after_its_id_names_the_paid_job(int maxRetries)
    {
        await using var server = new CorruptGzipServer(SeedResponses.Generation("gen_paid", "queued", "\"pad\":\"" + new string('x', 64) + "\""));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = maxRetries, RequestTimeout = TimeSpan.FromSeconds(5) });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_read_whose_gzip_answer_turns_corrupt_is_a_connection_failure_like_a_cut()
    {
        await using var server = new CorruptGzipServer("""{"credits":112,"account_type":"PRO","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(5) });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(T));

        Assert.Null(ex.GenerationId);
        Assert.False(ex.PossiblyCharged);
        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.Equal(1, server.Requests);
    }

    /// <summary>
    /// A loopback HTTP/1.1 server that answers every request with gzip: the first part of the body
    /// compressed and flushed, a pause, then bytes no inflater reads (a reserved block type).
    /// </summary>
    private sealed class CorruptGzipServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;
        private readonly byte[] _body;
        private int _requests;

        public CorruptGzipServer(string json)
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(json[..^10]));
                gzip.Flush();
                compressed.Write([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
                _body = compressed.ToArray();
            }

            _listener.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _serving = ServeAsync();
        }

        public Uri BaseAddress { get; }

        public int Requests => Volatile.Read(ref _requests);

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await Task.WhenAny(_serving, Task.Delay(2000, CancellationToken.None));
        }

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    _ = AnswerAsync(socket);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        private async Task AnswerAsync(Socket socket)
        {
            try
            {
                using (socket)
                using (var stream = new NetworkStream(socket))
                {
                    var head = new StringBuilder();
                    var one = new byte[1];
                    while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
                    {
                        head.Append((char)one[0]);
                    }

                    var text = head.ToString();
                    var length = text.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    var sink = new byte[length];
                    await stream.ReadExactlyAsync(sink);
                    Interlocked.Increment(ref _requests);
                    var status = text.StartsWith("POST", StringComparison.Ordinal) ? "202 Accepted" : "200 OK";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {_body.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(_body.AsMemory(0, _body.Length - 8));
                    await stream.FlushAsync();
                    await Task.Delay(150);
                    await stream.WriteAsync(_body.AsMemory(_body.Length - 8));
                    await Task.Delay(500);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // The client closes the connection once the answer broke.
            }
        }
    }
}
