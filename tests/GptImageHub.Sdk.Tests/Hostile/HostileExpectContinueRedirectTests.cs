using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's <see cref="HttpClient"/> that sends <c>Expect: 100-continue</c> (its default headers, a handler, .NET
/// Framework's default) has the handler hold a large body back until the service says "100 Continue", and send none
/// when a final answer comes first. A generation POST with a reference image, sent whole after a 100 and answered with a
/// 307 by a gateway, was sent on to the address the 307 named; there the answer came before the body, so the body was
/// written once only and the redirect guard (<c>BodyWrites</c>) saw nothing. That second answer (a 429, a documented 401)
/// was taken for the POST's own: "refused, nothing charged", and a 429 was retried, each retry a whole POST that may be
/// charged again.
/// </summary>
public sealed class HostileExpectContinueRedirectTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<int, string, string> Answers() => new()
    {
        { 307, "other-host", "429" },
        { 308, "other-host", "429" },
        { 307, "other-host", "401" },
        { 307, "same", "429" },
        { 307, "same", "401" },
        { 307, "other-host", "202" },
    };

    /// <summary>A 429, a documented 401 or even a job, answered to the head of the redirected request, is not the POST's answer.</summary>
    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_POST_sent_whole_then_redirected_to_an_answer_before_its_body_is_possibly_charged_and_sent_once(int redirect, string target, string answer)
    {
        var refusal = answer switch
        {
            "429" => Answer("429 Too Many Requests", "Retry-After: 0\r\n", """{"error":{"message":"Slow down","code":"rate_limited"}}"""),
            "401" => Answer("401 Unauthorized", "", """{"error":{"message":"No key","code":"missingApiKey"}}"""),
            _ => Answer("202 Accepted", "", SeedResponses.Generation("gen_not_this_post", "queued")),
        };
        await using var other = new ContinueServer("127.0.0.2", (_, _) => (Continue: false, Answer: refusal));
        ContinueServer? apiServer = null;
        await using var api = apiServer = new ContinueServer("127.0.0.1", (head, _) => head.Contains("Authorization:", StringComparison.OrdinalIgnoreCase)
            ? (true, $"HTTP/1.1 {redirect} Redirect\r\nLocation: {(target == "same" ? new Uri(apiServer!.BaseAddress, "v1/images/generations") : new Uri(other.BaseAddress, "v1/images/generations"))}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            : (false, refusal));
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.ExpectContinue = true;
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 2, RequestTimeout = TimeSpan.FromSeconds(10) });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox")
        {
            ReferenceImages = [ReferenceImage.FromStream(new MemoryStream(TestImages.Png(4096)), "ref.png")],
        };

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(request, T));

        Assert.Equal(1, api.BodiesReceived + other.BodiesReceived);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.True(ex.PossiblyCharged, ex.Message);
        Assert.Null(ex.GenerationId);
        Assert.DoesNotContain(TestKeys.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    private static string Answer(string status, string headers, string body) =>
        $"HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>
    /// A loopback HTTP/1.1 server, one request a connection, that reads a request's head and then, as its script says,
    /// either answers "100 Continue", reads the body and answers, or answers at once without reading the body.
    /// </summary>
    private sealed class ContinueServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Func<string, int, (bool Continue, string Answer)> _script;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _count;
        private int _bodies;

        public ContinueServer(string address, Func<string, int, (bool Continue, string Answer)> script)
        {
            _script = script;
            _listener = new TcpListener(IPAddress.Parse(address), 0);
            _listener.Start();
            BaseAddress = new Uri($"http://{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _loop = LoopAsync();
        }

        public Uri BaseAddress { get; }

        /// <summary>How many request bodies this server read whole: each a POST the service could charge.</summary>
        public int BodiesReceived => Volatile.Read(ref _bodies);

        public ConcurrentQueue<string> Heads { get; } = new();

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var head = new List<byte>();
                    var one = new byte[1];
                    while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
                    {
                        if (await stream.ReadAsync(one, _stop.Token) == 0)
                        {
                            return;
                        }

                        head.Add(one[0]);
                    }

                    var text = Encoding.ASCII.GetString([.. head]);
                    Heads.Enqueue(text);
                    var (proceed, answer) = _script(text, Interlocked.Increment(ref _count) - 1);
                    if (proceed)
                    {
                        await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
                        var length = text.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                        await stream.ReadExactlyAsync(new byte[length], _stop.Token);
                        Interlocked.Increment(ref _bodies);
                    }

                    await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    client.Client.LingerState = new LingerOption(true, 0);
                }
                catch (Exception)
                {
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
