using System.Net;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An in-process handler that answers every request with what <c>respond</c> builds (any headers,
/// any body stream, lying lengths included), and counts the POSTs it received. No socket: the
/// client is built on it with a loopback base address that is never dialled.
/// </summary>
internal sealed class CannedAnswerHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _respond;
    private int _posts;

    public CannedAnswerHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) => _respond = respond;

    public int Posts => Volatile.Read(ref _posts);

    public static Uri BaseAddress { get; } = new("http://127.0.0.2:9/");

    public static HttpResponseMessage Answer(int status, HttpContent content) => new((HttpStatusCode)status) { Content = content };

    public GptImageHubClient CreateClient(Action<GptImageHubClientOptions>? configure = null)
    {
        var options = new GptImageHubClientOptions { ApiKey = Infrastructure.TestKeys.ApiKey, BaseAddress = BaseAddress, MaxRetries = 3 };
        configure?.Invoke(options);
        return new GptImageHubClient(new HttpClient(this, disposeHandler: false), options);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post)
        {
            Interlocked.Increment(ref _posts);
        }

        return Task.FromResult(_respond(request));
    }
}

/// <summary>
/// A body that serves <c>prefix</c>, then <c>filler</c> bytes for ever (or until <c>length</c>), a
/// few at a time, and counts every byte it handed out: a reader bounded by a cap must stop at it.
/// </summary>
internal sealed class CountingBodyStream : Stream
{
    private readonly byte[] _prefix;
    private readonly byte _filler;
    private readonly long _length;
    private readonly int _chunk;
    private long _served;

    public CountingBodyStream(string prefix, byte filler = (byte)' ', long length = long.MaxValue, int chunk = 7)
    {
        _prefix = System.Text.Encoding.UTF8.GetBytes(prefix);
        _filler = filler;
        _length = length;
        _chunk = chunk;
    }

    public long Served => Interlocked.Read(ref _served);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(Math.Min(count, _chunk), _length - _served);
        for (var i = 0; i < n; i++)
        {
            var at = _served + i;
            buffer[offset + i] = at < _prefix.Length ? _prefix[at] : _filler;
        }

        Interlocked.Add(ref _served, n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var array = new byte[buffer.Length];
        var n = Read(array, 0, array.Length);
        array.AsSpan(0, n).CopyTo(buffer.Span);
        return new ValueTask<int>(n);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
