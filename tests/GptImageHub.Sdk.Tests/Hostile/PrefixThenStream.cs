using System.Text;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An answer's body that serves its prefix (<paramref name="chunk"/> bytes a read at most), then fails with
/// <paramref name="failure"/> (a reset connection, a corrupt gzip stream, a consumer's stream wrapper's own
/// exception), or, with none, waits for ever (until the read is cancelled).
/// </summary>
internal sealed class PrefixThenStream(byte[] prefix, Exception? failure = null, int chunk = int.MaxValue) : Stream
{
    private int _served;

    public PrefixThenStream(string prefix, Exception? failure = null)
        : this(Encoding.UTF8.GetBytes(prefix), failure)
    {
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_served < prefix.Length)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), prefix.Length - _served);
            prefix.AsMemory(_served, n).CopyTo(buffer);
            _served += n;
            return n;
        }

        if (failure is not null)
        {
            throw failure;
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A stall has no synchronous form: only a cancellation ends it.
    public override int Read(byte[] buffer, int offset, int count) =>
        failure is null ? throw new NotSupportedException() : ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
