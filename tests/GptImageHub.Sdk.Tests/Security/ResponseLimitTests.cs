using System.Net;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Security;

public sealed class ResponseLimitTests
{
    [Fact]
    public async Task A_response_declared_larger_than_the_limit_is_refused_before_it_is_read()
    {
        var handler = new EndlessHandler(declaredLength: 10_000_000);
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxResponseBytes = 4096 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("larger than MaxResponseBytes (4096 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Stream!.BytesRead);
    }

    [Fact]
    public async Task An_endless_response_without_a_length_is_cut_at_the_limit()
    {
        var handler = new EndlessHandler(declaredLength: null);
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxResponseBytes = 64 * 1024 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("larger than MaxResponseBytes (65536 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.InRange(handler.Stream!.BytesRead, 64 * 1024, 200 * 1024);
    }

    /// <summary>Answers with a JSON string that never ends.</summary>
    private sealed class EndlessHandler(long? declaredLength) : HttpMessageHandler
    {
        public EndlessStream? Stream { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Stream = new EndlessStream();
            var content = new StreamContent(Stream);
            content.Headers.ContentLength = declaredLength;
            content.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer[offset + i] = BytesRead + i == 0 ? (byte)'"' : (byte)'a';
            }

            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
