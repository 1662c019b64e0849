using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A loopback server whose script writes each answer's bytes itself, for answers no HTTP library writes: a status or
/// header line that does not parse, 1xx answers, a redirect without a body. Each connection serves one request.
/// </summary>
/// <remarks>
/// A request that asks <c>Expect: 100-continue</c> is told "100 Continue" before its body is read, unless
/// <c>answersBeforeBody</c> says the script answers its head alone: then no body is read (the request's is empty), as a
/// server that refuses or redirects at once does, and the client sends none.
/// </remarks>
internal sealed class RawAnswerServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawAnswerServer.Request, int, NetworkStream, Task> _script;
    private readonly Func<string, bool> _answersBeforeBody;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    public RawAnswerServer(Func<Request, int, NetworkStream, Task> script, string address = "127.0.0.1", Func<string, bool>? answersBeforeBody = null)
    {
        _script = script;
        _answersBeforeBody = answersBeforeBody ?? (static _ => false);
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        BaseAddress = new Uri($"http://{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = LoopAsync();
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<Request> Received { get; } = new();

    /// <summary>Released each time a request has arrived whole.</summary>
    public SemaphoreSlim Arrivals { get; } = new(0);

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

            _ = Task.Run(async () =>
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
                            if (await stream.ReadAsync(one) == 0)
                            {
                                return;
                            }

                            head.Add(one[0]);
                        }

                        var text = Encoding.ASCII.GetString([.. head]);
                        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                        var parts = lines[0].Split(' ');
                        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToList();
                        var length = headers.Where(p => p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                        byte[] body = [];
                        if (!_answersBeforeBody(text))
                        {
                            if (headers.Any(p => p[0].Trim().Equals("Expect", StringComparison.OrdinalIgnoreCase)))
                            {
                                await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
                            }

                            body = new byte[length];
                            await stream.ReadExactlyAsync(body);
                        }

                        var request = new Request(parts[0], parts[1], string.Join("\n", lines), body);
                        Received.Enqueue(request);
                        Arrivals.Release();
                        await _script(request, Interlocked.Increment(ref _count) - 1, stream);
                        await stream.FlushAsync();
                        client.Client.LingerState = new LingerOption(true, 0);
                    }
                    catch (Exception)
                    {
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
        Arrivals.Dispose();
    }

    internal sealed record Request(string Method, string Target, string Head, byte[] Body);
}
