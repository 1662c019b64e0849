using System.Net;

namespace GptImageHub.Sdk.Http;

/// <summary>A request body that knows whether any attempt wrote it toward the network.</summary>
/// <remarks>
/// The <see cref="HttpClient"/> a consumer hands the SDK may retry below it (a resilience handler does, for any
/// method; so does the handler itself on a pooled connection that was closed). A refused connection then says
/// only that the last attempt sent nothing: an earlier one may have reached the service and been charged.
/// A handler that reads the body first (as a string or an array to log or sign it, or as a stream to copy it) has
/// every later attempt write from its copy, which no content sees, however many attempts there are: a body that was
/// ever copied into memory counts as written before (<see cref="Copied"/>).
/// </remarks>
internal interface IWrittenBody
{
    /// <summary>How many times the body was written to a stream other than a buffer in memory, that is, toward the network.</summary>
    int Writes { get; }

    /// <summary>Whether the body was read into memory (buffered, read as a string, an array or a stream): every copy sent from there is unseen.</summary>
    bool Copied { get; }

    /// <summary>Where a redirect would have sent the body a second time, had the body not refused (<see cref="BodyWrites"/>); null when it was not.</summary>
    Uri? RedirectedTo { get; }

    /// <summary>
    /// Where the request that carries the body went after the body was first written toward the network, when a redirect
    /// moved it since (elsewhere, or without its key) and the body did not go again (<see cref="BodyWrites.MovedSinceWritten"/>); else null.
    /// </summary>
    Uri? MovedSinceWritten { get; }

    /// <summary>Ties the body to the request that carries it, so that it sees where each write goes.</summary>
    void Carry(HttpRequestMessage request);
}

/// <summary>
/// Where a charged POST's body was written: how many times toward the network, whether it was copied into memory, and
/// the address of the first write, toward which alone it may be written again.
/// </summary>
/// <remarks>
/// <see cref="HttpClient"/>'s own handler follows a 307 or 308 answer to a POST by sending the same request, body and
/// all, to the address the answer names (with <c>AllowAutoRedirect</c>, its default, the SDK's own handler's and
/// IHttpClientFactory's); a 307 naming the same address is followed up to 50 times. The answer was a redirect, not one
/// of the service's documented refusals: a gateway may send it after the service took the job and charged it, so each
/// redirected POST may be charged again. The redirect moves the request to another address, or keeps it there and
/// drops its <c>Authorization</c> header (the handler never forwards credentials); either is seen here when the body
/// is about to be written again, and the write is refused before a byte of the body leaves, so the service never gets
/// a whole second request. A consumer's handler that sends the request again to the same address (a retry) is left
/// alone: that is its owner's choice, and <see cref="Writes"/> reports it to the charge classifier.
/// </remarks>
internal sealed class BodyWrites
{
    private HttpRequestMessage? _request;
    private Uri? _firstTarget;
    private bool _firstAuthorized;
    private int _writes;
    private int _copies;

    public int Writes => Volatile.Read(ref _writes);

    public bool Copied => Volatile.Read(ref _copies) > 0;

    public Uri? RedirectedTo { get; private set; }

    public void Carry(HttpRequestMessage request) => _request = request;

    /// <summary>
    /// Where the request went after its body was first written toward the network, when a redirect has moved it since
    /// (elsewhere, or without the key) though the body was not written again; null when it was not moved.
    /// </summary>
    /// <remarks>
    /// A handler that waits for <c>100 Continue</c> (<c>Expect: 100-continue</c>) writes no large body when a final answer
    /// comes first: a POST sent whole and answered with a 307 or 308 is sent on with its head only, and the answer there
    /// (a 429, a 401 for the key the redirect dropped) is that head's, not the POST's. <see cref="Count"/> never runs for
    /// it; the request the answer names shows the redirect.
    /// </remarks>
    public Uri? MovedSinceWritten =>
        _request is { } request && _firstTarget is { } first && Redirected(first, _firstAuthorized, request) ? request.RequestUri ?? first : null;

    /// <summary>Counts a write to <paramref name="stream"/> (toward the network, or into memory: <see cref="JsonBodyContent.IsCopy"/>).</summary>
    /// <exception cref="HttpRequestException">The request was redirected since the body was first written toward the network.</exception>
    public void Count(Stream stream)
    {
        if (JsonBodyContent.IsCopy(stream))
        {
            Interlocked.Increment(ref _copies);
            return;
        }

        if (_request is { } request)
        {
            if (_firstTarget is null)
            {
                _firstTarget = request.RequestUri;
                _firstAuthorized = IsAuthorized(request);
            }
            else if (Redirected(_firstTarget, _firstAuthorized, request))
            {
                RedirectedTo = request.RequestUri ?? _firstTarget;
                throw new HttpRequestException("The request was redirected after its body was sent; the SDK does not send a generation's body again.");
            }
        }

        Interlocked.Increment(ref _writes);
    }

    /// <summary>Counts a read of the body as a stream: whoever reads it holds a copy it may send any number of times.</summary>
    public void CountCopy() => Interlocked.Increment(ref _copies);

    /// <summary>
    /// Whether <paramref name="request"/> is a redirect of one that went to <paramref name="target"/>: it goes elsewhere,
    /// or it lost the <c>Authorization</c> header the first carried (the redirect handler never forwards credentials).
    /// </summary>
    public static bool Redirected(Uri? target, bool authorized, HttpRequestMessage request) =>
        request.RequestUri != target || (authorized && !IsAuthorized(request));

    public static bool IsAuthorized(HttpRequestMessage request) => request.Headers.Contains("Authorization");
}

/// <summary>The JSON body of a generation POST, counting its writes toward the network (<see cref="IWrittenBody"/>).</summary>
/// <remarks>
/// Not a <see cref="ByteArrayContent"/>: a type derived from it has its cancellable write call the plain one, so
/// one write would be counted twice.
/// </remarks>
internal sealed class JsonBodyContent : HttpContent, IWrittenBody
{
    private readonly byte[] _body;
    private readonly BodyWrites _written = new();

    public JsonBodyContent(byte[] body) => _body = body;

    public int Writes => _written.Writes;

    public bool Copied => _written.Copied;

    public Uri? RedirectedTo => _written.RedirectedTo;

    public Uri? MovedSinceWritten => _written.MovedSinceWritten;

    public void Carry(HttpRequestMessage request) => _written.Carry(request);

    /// <summary>
    /// Whether a write to <paramref name="stream"/> goes into memory rather than toward the network: a handler that reads the
    /// body (<c>LoadIntoBufferAsync</c>, <c>ReadAsStringAsync</c>, a copy to its own <see cref="MemoryStream"/>) keeps a
    /// copy it can send again unseen. The BCL buffers into a <see cref="MemoryStream"/> before .NET 9 and into a stream
    /// of its own nested in <see cref="HttpContent"/> since; neither is the network.
    /// </summary>
    internal static bool IsCopy(Stream stream) =>
        stream is MemoryStream || stream.GetType().DeclaringType == typeof(HttpContent);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _written.Count(stream);
        return stream.WriteAsync(_body, 0, _body.Length);
    }

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _written.Count(stream);
        return stream.WriteAsync(_body, 0, _body.Length, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _written.Count(stream);
        stream.Write(_body, 0, _body.Length);
    }
#endif

    protected override Task<Stream> CreateContentReadStreamAsync()
    {
        // Read as a stream: whoever reads it holds a copy it may send any number of times.
        _written.CountCopy();
        return Task.FromResult<Stream>(new MemoryStream(_body, writable: false));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
