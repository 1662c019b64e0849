using System.Net.Sockets;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A socket error code does not say when it happened. Linux reports an ICMP error that arrives on an established
/// connection (a firewall's default REJECT, icmp-port-unreachable; a route that vanished) once the retransmissions time
/// out, as ECONNREFUSED, EHOSTUNREACH or ENETUNREACH instead of ETIMEDOUT, and SocketsHttpHandler fails the read of the
/// answer with that SocketException inside its NetworkStream's IOException: the very codes the charge rule reads as "the
/// request never left". Through a real SocketsHttpHandler whose first connection carries the POST whole and then fails
/// so: held. The body's write count says the request went, so it is possibly charged, never retried, and a batch item
/// is unknown and never posted again on the next run.
/// </summary>
public sealed class HostileEstablishedSocketErrorTests() : EmulatorAndDirectory("gih-established-socket-")
{
    [Theory]
    [InlineData(SocketError.ConnectionRefused)]
    [InlineData(SocketError.HostUnreachable)]
    [InlineData(SocketError.NetworkUnreachable)]
    public async Task A_submit_whose_connection_fails_with_a_connect_error_code_after_it_was_sent_is_possibly_charged_and_sent_once(SocketError code)
    {
        var key = Hub.CreateApiKey(credits: 1000);
        var request = new ImageGenerationRequest("gpt-image-2", $"established {code}") { Quality = ImageQuality.Tier1K };
        using var client = Client(key, code, request.Prompt, maxRetries: 3);

        var failure = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(request, T));

        Assert.True(failure.PossiblyCharged, failure.Message);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(request.Prompt));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused)]
    [InlineData(SocketError.HostUnreachable)]
    public async Task A_batch_item_whose_connection_fails_so_after_it_was_sent_is_unknown_and_never_posted_again(SocketError code)
    {
        var key = Hub.CreateApiKey(credits: 1000);
        var items = Items(1, $"established-batch-{code}");
        using (var failing = Client(key, code, items[0].Request.Prompt, maxRetries: 0))
        {
            var first = Assert.Single(await CollectAsync(failing.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));
            Assert.Equal(BatchItemStatus.Unknown, first.Status);
        }

        using var healthy = FastClient(Hub.BaseAddress, key);
        var second = Assert.Single(await CollectAsync(healthy.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Unknown, second.Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    /// <summary>A client whose first connection carries the POST whole, then fails the read of its answer with <paramref name="code"/> as NetworkStream reports it.</summary>
    private GptImageHubClient Client(string key, SocketError code, string prompt, int maxRetries)
    {
        var connections = 0;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                var network = new NetworkStream(socket, ownsSocket: true);
                return Interlocked.Increment(ref connections) == 1 ? new FailingReads(network, code, () => Hub.Ledger.CountGenerationRequests(prompt) > 0) : network;
            },
        };
        return new GptImageHubClient(
            new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan },
            new GptImageHubClientOptions { ApiKey = key, BaseAddress = Hub.BaseAddress, MaxRetries = maxRetries });
    }

    /// <summary>Writes go through; the first read waits until the service has the POST, then fails as an established socket's ICMP error does.</summary>
    private sealed class FailingReads(NetworkStream inner, SocketError code, Func<bool> received) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (var waited = 0; !received() && waited < 10_000; waited += 10)
            {
                await Task.Delay(10, cancellationToken);
            }

            var socket = new SocketException((int)code);
            throw new IOException($"Unable to read data from the transport connection: {socket.Message}.", socket);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
