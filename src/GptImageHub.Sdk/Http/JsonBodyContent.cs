using System.Net;

namespace GptImageHub.Sdk.Http;

/// <summary>A request body that knows whether any attempt wrote it toward the network.</summary>
/// <remarks>
/// The <see cref="HttpClient"/> a consumer hands the SDK may retry below it (a resilience handler does, for any
/// method; so does the handler itself on a pooled connection that was closed). A refused connection then says
/// only that the last attempt sent nothing: an earlier one may have reached the service and been charged.
/// A handler that buffers the body first (reads it as a string to log it) has every later attempt write from its
/// buffer, which no content sees: then nothing is counted, and the last failure is read alone, as it always was.
/// </remarks>
internal interface IWrittenBody
{
    /// <summary>How many times the body was written to a stream other than a buffer in memory, that is, toward the network.</summary>
    int Writes { get; }
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

    public JsonBodyContent(byte[] body) => _body = body;

    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Counts a write to <paramref name="stream"/> when it may lead to the network: a handler that buffers the body to log it writes it to memory only.</summary>
    internal static void Count(Stream stream, ref int writes)
    {
        if (stream is not MemoryStream)
        {
            Interlocked.Increment(ref writes);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        Count(stream, ref _writes);
        return stream.WriteAsync(_body, 0, _body.Length);
    }

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Count(stream, ref _writes);
        return stream.WriteAsync(_body, 0, _body.Length, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Count(stream, ref _writes);
        stream.Write(_body, 0, _body.Length);
    }
#endif

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new MemoryStream(_body, writable: false));

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
