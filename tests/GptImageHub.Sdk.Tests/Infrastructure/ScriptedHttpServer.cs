using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP/1.1 server that answers each request with the next step of a script, including
/// the faults a mock server cannot make: a connection closed before any answer, a body cut short,
/// or an answer that never comes. Each connection serves one request. It records every request it received.
/// <see cref="Fault"/> stalls or cuts a whole answer at any <see cref="FaultPoint"/>: the fault
/// matrix runs every endpoint through every one of them.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<ReceivedRequest, int, Step> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;
    private int _connections;

    public ScriptedHttpServer(Func<ReceivedRequest, int, Step> script, string address = "127.0.0.1")
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        BaseAddress = new Uri($"http://{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = AcceptLoopAsync();
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>How many connections were accepted, complete requests or not.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Completes each time a request arrives; a test can wait for "the request reached the server".</summary>
    public SemaphoreSlim Arrivals { get; } = new(0);

    public static Step Respond(int status, string body, params (string Name, string Value)[] headers) => new(StepKind.Respond, status, body, headers);

    public static Step Drop() => new(StepKind.Drop, 0, "", []);

    public static Step Hang() => new(StepKind.Hang, 0, "", []);

    /// <summary>Sends the headers and part of the body, then closes the connection.</summary>
    public static Step Truncate(int status, string body) => new(StepKind.Truncate, status, body, []);

    /// <summary>
    /// Sends the answer up to <paramref name="point"/>, then either stops sending and holds the
    /// connection open (a stall) or resets it (a cut).
    /// </summary>
    public static Step Fault(FaultPoint point, bool cut, int status, string body, params (string Name, string Value)[] headers) =>
        new(StepKind.Fault, status, body, headers) { Point = point, Cut = cut };

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var request = await ReadRequestAsync(stream);
                    if (request is null)
                    {
                        return;
                    }

                    Received.Enqueue(request);
                    var step = _script(request, Interlocked.Increment(ref _count) - 1);
                    Arrivals.Release();
                    switch (step.Kind)
                    {
                        case StepKind.Drop:
                            client.Client.LingerState = new LingerOption(true, 0);
                            return;
                        case StepKind.Hang:
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                            return;
                        case StepKind.Truncate:
                            var full = Encoding.UTF8.GetBytes(step.Body);
                            await WriteHeadAsync(stream, step.Status, full.Length, []);
                            await stream.WriteAsync(full.AsMemory(0, full.Length / 2));
                            client.Client.LingerState = new LingerOption(true, 0);
                            return;
                        case StepKind.Fault:
                            var answer = Encoding.UTF8.GetBytes(step.Body);
                            var head = Head(step.Status, answer.Length, step.Headers);
                            byte[] whole = [.. head, .. answer];
                            var statusLineEnd = Array.IndexOf(whole, (byte)'\n') + 1;
                            var sent = step.Point switch
                            {
                                // Inside "HTTP/1.1 200": the status code has not arrived.
                                FaultPoint.StatusLine => 10,

                                // The status line and part of the first header.
                                FaultPoint.Headers => statusLineEnd + 7,
                                FaultPoint.BodyStart => head.Length,
                                FaultPoint.BodyMiddle => head.Length + (answer.Length / 2),
                                _ => whole.Length - 1,
                            };
                            await stream.WriteAsync(whole.AsMemory(0, sent));
                            await stream.FlushAsync();
                            if (!step.Cut)
                            {
                                await Task.Delay(Timeout.Infinite, _stop.Token);
                            }

                            client.Client.LingerState = new LingerOption(true, 0);
                            return;
                        default:
                            var body = Encoding.UTF8.GetBytes(step.Body);
                            await WriteHeadAsync(stream, step.Status, body.Length, step.Headers);
                            await stream.WriteAsync(body);
                            return;
                    }
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested || true)
            {
                // A client that goes away mid-answer is a normal end for a fault server.
            }
        }
    }

    private static Task WriteHeadAsync(NetworkStream stream, int status, int length, (string Name, string Value)[] headers) =>
        stream.WriteAsync(Head(status, length, headers)).AsTask();

    private static byte[] Head(int status, int length, (string Name, string Value)[] headers)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} X\r\n")
            .Append("Content-Type: application/json\r\n")
            // One request per connection: SocketsHttpHandler silently retries a request whose reused connection drops, which would blur what a test sees.
            .Append("Connection: close\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    private static async Task<ReceivedRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!(buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = Array.Empty<byte>();
        if (headers.TryGetValue("Content-Length", out var lengthText) && int.Parse(lengthText, CultureInfo.InvariantCulture) is > 0 and var length)
        {
            body = new byte[length];
            await stream.ReadExactlyAsync(body);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(stream);
        }

        return new ReceivedRequest(requestLine[0], requestLine[1], headers, body);
    }

    private static async Task<byte[]> ReadChunkedAsync(NetworkStream stream)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(stream);
            var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                await ReadLineAsync(stream);
                return body.ToArray();
            }

            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk);
            body.Write(chunk);
            await ReadLineAsync(stream);
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != '\n')
        {
            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        Arrivals.Dispose();
    }

    internal enum StepKind
    {
        Respond,
        Drop,
        Hang,
        Truncate,
        Fault,
    }

    /// <summary>Where a <see cref="Fault"/> step stops sending.</summary>
    internal enum FaultPoint
    {
        /// <summary>Part of the status line, before the status code.</summary>
        StatusLine,

        /// <summary>The status line and part of the headers.</summary>
        Headers,

        /// <summary>All headers (with a Content-Length), no byte of the body.</summary>
        BodyStart,

        /// <summary>Half of the body.</summary>
        BodyMiddle,

        /// <summary>All of the body but its last byte.</summary>
        BeforeLastByte,
    }

    internal sealed record Step(StepKind Kind, int Status, string Body, (string Name, string Value)[] Headers)
    {
        public FaultPoint Point { get; init; }

        public bool Cut { get; init; }
    }

    internal sealed record ReceivedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;
    }
}
