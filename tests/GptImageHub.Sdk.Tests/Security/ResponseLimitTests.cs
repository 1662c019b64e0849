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

    [Fact]
    public async Task A_charged_submit_answer_declared_larger_than_the_limit_is_read_to_it_and_names_the_paid_job()
    {
        // Refusing it unread would lose the id its first bytes carry: the job is paid for either way.
        var handler = new EndlessHandler(declaredLength: 10_000_000, HttpStatusCode.Accepted, """{"object":"image_generation","id":"gen_paid","status":"queued","prompt":"a""");
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxResponseBytes = 4096, MaxRetries = 3 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        Assert.Contains("larger than MaxResponseBytes (4096 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(1, handler.Requests);
        Assert.InRange(handler.Stream!.BytesRead, 4097, 64 * 1024);
    }

    [Fact]
    public async Task An_error_page_declared_larger_than_the_error_limit_is_quoted_from_its_start()
    {
        var handler = new EndlessHandler(declaredLength: 10_000_000, HttpStatusCode.BadGateway, "<html>Bad gateway: upstream reset ");
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("<html>Bad gateway: upstream reset aaa", ex.Message, StringComparison.Ordinal);
        Assert.InRange(handler.Stream!.BytesRead, 16 * 1024, 64 * 1024);
    }

    /// <summary>Answers with <paramref name="prefix"/> (by default a JSON string's opening quote) and then 'a' without end.</summary>
    private sealed class EndlessHandler(long? declaredLength, HttpStatusCode status = HttpStatusCode.OK, string prefix = "\"") : HttpMessageHandler
    {
        private int _requests;

        public EndlessStream? Stream { get; private set; }

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            Stream = new EndlessStream(System.Text.Encoding.UTF8.GetBytes(prefix));
            var content = new StreamContent(Stream);
            content.Headers.ContentLength = declaredLength;
            content.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(status) { Content = content });
        }
    }

    private sealed class EndlessStream(byte[] prefix) : Stream
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
                buffer[offset + i] = BytesRead + i < prefix.Length ? prefix[BytesRead + i] : (byte)'a';
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
