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
}

/// <summary>The JSON body of a generation POST, counting its writes toward the network (<see cref="IWrittenBody"/>).</summary>
/// <remarks>
/// Not a <see cref="ByteArrayContent"/>: a type derived from it has its cancellable write call the plain one, so
/// one write would be counted twice.
/// </remarks>
internal sealed class JsonBodyContent : HttpContent, IWrittenBody
{
    private readonly byte[] _body;
    private int _writes;
    private int _copies;

    public JsonBodyContent(byte[] body) => _body = body;

    public int Writes => Volatile.Read(ref _writes);

    public bool Copied => Volatile.Read(ref _copies) > 0;

    /// <summary>
    /// Counts a write to <paramref name="stream"/>: toward the network, or into memory, where a handler that reads the
    /// body (<c>LoadIntoBufferAsync</c>, <c>ReadAsStringAsync</c>, a copy to its own <see cref="MemoryStream"/>) keeps a
    /// copy it can send again unseen. The BCL buffers into a <see cref="MemoryStream"/> before .NET 9 and into a stream
    /// of its own nested in <see cref="HttpContent"/> since; neither is the network.
    /// </summary>
    internal static void Count(Stream stream, ref int writes, ref int copies)
    {
        if (stream is MemoryStream || stream.GetType().DeclaringType == typeof(HttpContent))
        {
            Interlocked.Increment(ref copies);
        }
        else
        {
            Interlocked.Increment(ref writes);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        Count(stream, ref _writes, ref _copies);
        return stream.WriteAsync(_body, 0, _body.Length);
    }

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Count(stream, ref _writes, ref _copies);
        return stream.WriteAsync(_body, 0, _body.Length, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Count(stream, ref _writes, ref _copies);
        stream.Write(_body, 0, _body.Length);
    }
#endif

    protected override Task<Stream> CreateContentReadStreamAsync()
    {
        // Read as a stream: whoever reads it holds a copy it may send any number of times.
        Interlocked.Increment(ref _copies);
        return Task.FromResult<Stream>(new MemoryStream(_body, writable: false));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
