namespace GptImageHub.Sdk.Http;

/// <summary>
/// A caller's stream lent to one upload: reads pass through (after any bytes already taken to
/// check the format), and disposing it leaves the caller's stream open.
/// </summary>
internal sealed class BorrowedStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[]? _prefix;
    private int _prefixPosition;

    public BorrowedStream(Stream inner, byte[]? prefix)
    {
        _inner = inner;
        _prefix = prefix;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        TakePrefix(buffer.AsSpan(offset, count)) is var taken and > 0 ? taken : _inner.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        TakePrefix(buffer.AsSpan(offset, count)) is var taken and > 0 ? Task.FromResult(taken) : _inner.ReadAsync(buffer, offset, count, cancellationToken);

#if NET
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        TakePrefix(buffer.Span) is var taken and > 0 ? new ValueTask<int>(taken) : _inner.ReadAsync(buffer, cancellationToken);
#endif

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int TakePrefix(Span<byte> destination)
    {
        if (_prefix is null || _prefixPosition >= _prefix.Length || destination.Length == 0)
        {
            return 0;
        }

        var count = Math.Min(destination.Length, _prefix.Length - _prefixPosition);
        _prefix.AsSpan(_prefixPosition, count).CopyTo(destination);
        _prefixPosition += count;
        return count;
    }
}
