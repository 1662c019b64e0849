using System.Net;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Security;

/// <summary>
/// An answer is read into a buffer before it is parsed: however it arrives (in dribs, with no length,
/// with a wrong length, with a byte order mark), a body within MaxResponseBytes is read whole and one
/// byte over it is refused.
/// </summary>
public sealed class ResponseBufferTests
{
    private const int Cap = 64 * 1024;

    public enum Declared
    {
        Exact,
        None,
        TooShort,
    }

    public static TheoryData<int, Declared, int> Arrivals()
    {
        var data = new TheoryData<int, Declared, int>();

        // Around the first buffer (16 KiB without a length) and around the cap.
        foreach (var size in new[] { 60, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, Cap - 1, Cap, Cap + 1, Cap + 4096 })
        {
            foreach (var declared in Enum.GetValues<Declared>())
            {
                foreach (var chunk in new[] { 7, 4096, int.MaxValue })
                {
                    data.Add(size, declared, chunk);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Arrivals))]
    public async Task A_body_within_the_cap_is_read_whole_and_one_over_it_is_refused(int size, Declared declared, int chunk)
    {
        var body = Credits(size);
        using var http = new HttpClient(new DribbleHandler(body, declared switch
        {
            Declared.Exact => body.Length,
            Declared.TooShort => body.Length / 2,
            _ => null,
        }, chunk));
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxResponseBytes = Cap, MaxRetries = 0 });

        if (size <= Cap)
        {
            var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);
            Assert.Equal(112, balance.Credits);
            Assert.Equal("PRO", balance.AccountType);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
            Assert.Contains($"larger than MaxResponseBytes ({Cap} bytes)", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_that_starts_with_a_UTF8_byte_order_mark_is_read()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"credits":112,"account_type":"PRO"}""")];
        using var http = new HttpClient(new DribbleHandler(body, body.Length, chunk: 2));
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey });

        var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(112, balance.Credits);
    }

    /// <summary>A credits answer padded with spaces to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Credits(int size)
    {
        var json = """{"credits":112,"account_type":"PRO"}""";
        return Encoding.UTF8.GetBytes(json + new string(' ', size - json.Length));
    }

    private sealed class DribbleHandler(byte[] body, long? declaredLength, int chunk) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new DribbleStream(body, chunk));
            content.Headers.ContentLength = declaredLength;
            content.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    /// <summary>Gives at most <paramref name="chunk"/> bytes per read, as a slow network does.</summary>
    private sealed class DribbleStream(byte[] body, int chunk) : MemoryStream(body, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
