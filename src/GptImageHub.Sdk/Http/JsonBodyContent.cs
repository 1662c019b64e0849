using System.Net;

namespace GptImageHub.Sdk.Http;

/// <summary>A request body that knows whether any attempt wrote it toward the network.</summary>
/// <remarks>
/// The <see cref="HttpClient"/> a consumer hands the SDK may retry below it (a resilience handler does, for any
/// method; so does the handler itself on a pooled connection that was closed). A refused connection then says
/// only that the last attempt sent nothing: an earlier one may have reached the service and been charged.
/// </remarks>
internal interface IWrittenBody
{
    /// <summary>Whether the body was written to a stream other than a buffer in memory, that is, toward the network.</summary>
    bool Written { get; }
}

/// <summary>The JSON body of a generation POST, remembering whether it was written toward the network (<see cref="IWrittenBody"/>).</summary>
internal sealed class JsonBodyContent : ByteArrayContent, IWrittenBody
{
    public JsonBodyContent(byte[] body)
        : base(body)
    {
    }

    public bool Written { get; private set; }

    /// <summary>Whether <paramref name="stream"/> may lead to the network: a handler that buffers the body to log it writes it to memory only.</summary>
    internal static bool TowardNetwork(Stream stream) => stream is not MemoryStream;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        Written |= TowardNetwork(stream);
        return base.SerializeToStreamAsync(stream, context);
    }

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Written |= TowardNetwork(stream);
        return base.SerializeToStreamAsync(stream, context, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Written |= TowardNetwork(stream);
        base.SerializeToStream(stream, context, cancellationToken);
    }
#endif
}
