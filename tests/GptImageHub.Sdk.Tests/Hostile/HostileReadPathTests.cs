using System.Net;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on the pooled read of a successful answer (ResponseDeserializer): caps at the edge of
/// the arithmetic, bodies the parser must refuse, many reads sharing the pool, and answers to a
/// charged submit that break off after the generation id.
/// </summary>
public sealed class HostileReadPathTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue - 1)]
    [InlineData(1L << 40)]
    [InlineData(int.MaxValue + 1L)]
    [InlineData(int.MaxValue)]
    public async Task A_cap_as_large_as_a_long_allows_still_reads_every_answer(long cap)
    {
        var body = Encoding.UTF8.GetBytes(SeedResponses.Generation("g1", "queued"));
        using var http = new HttpClient(new CannedHandler(_ => body));
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxResponseBytes = cap, MaxRetries = 0 });

        var generation = await client.GetGenerationAsync("g1", T);

        Assert.Equal("g1", generation.Id);
    }

    [Fact]
    public async Task Concurrent_reads_on_one_client_each_get_their_own_answer()
    {
        // Bodies of many sizes (each its own pool bucket or a shared one), read in small dribs so
        // that the reads interleave: a buffer returned twice or read after return shows up as one
        // call getting another's id or prompt.
        using var http = new HttpClient(new CannedHandler(request =>
        {
            var id = request.RequestUri!.Segments[^1];
            var padding = new string('x', (int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) * 997) % 40_000);
            return Encoding.UTF8.GetBytes(SeedResponses.Generation(id, "processing", $$"""
                "aspect_ratio":"{{id}}-{{padding}}"
                """));
        }, chunk: 1500));
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 0 });

        for (var round = 0; round < 3; round++)
        {
            var ids = Enumerable.Range(0, 200).Select(i => $"g{i}").ToArray();
            var results = await Task.WhenAll(ids.Select(id => Task.Run(() => client.GetGenerationAsync(id, T), T)));

            for (var i = 0; i < ids.Length; i++)
            {
                Assert.Equal(ids[i], results[i].Id);
                Assert.StartsWith(ids[i] + "-", results[i].AspectRatio, StringComparison.Ordinal);
            }
        }
    }

    public static TheoryData<string, byte[]> UnreadableBodies() => new()
    {
        { "empty", [] },
        { "JSON null", "null"u8.ToArray() },
        { "a byte order mark alone", [0xEF, 0xBB, 0xBF] },
        { "truncated", Encoding.UTF8.GetBytes(SeedResponses.Generation("g1", "queued")[..40]) },
        { "a number larger than any int", Encoding.UTF8.GetBytes(SeedResponses.Generation("g1", "queued", "\"usage\":{\"credits\":" + new string('9', 400) + "}")) },
        { "nesting deeper than MaxDepth", Encoding.UTF8.GetBytes(SeedResponses.Generation("g1", "queued", "\"deep\":" + new string('[', 5000) + new string(']', 5000))) },
        { "invalid UTF-8 in a string", [.. Encoding.UTF8.GetBytes("""{"object":"image_generation","id":"g1","status":"queued","model":"gpt"""), 0xC3, 0x28, .. "\",\"images\":[]}"u8.ToArray()] },
        { "a lone surrogate escape", Encoding.UTF8.GetBytes("""{"object":"image_generation","id":"\ud800","status":"queued","model":"m","images":[]}""") },
        { "a UTF-16 body", Encoding.Unicode.GetBytes(SeedResponses.Generation("g1", "queued")) },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task An_unreadable_answer_to_a_poll_is_an_InvalidResponseException_naming_the_generation(string name, byte[] body)
    {
        using var http = new HttpClient(new CannedHandler(_ => body));
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetGenerationAsync("g1", T));

        Assert.True(ex.GenerationId == "g1", name);
    }

    [Theory]
    [InlineData("BodyMiddle", false)]
    [InlineData("BodyMiddle", true)]
    [InlineData("BeforeLastByte", false)]
    [InlineData("BeforeLastByte", true)]
    public async Task A_submit_answer_that_breaks_off_after_the_id_names_the_paid_generation(string pointName, bool cut)
    {
        var point = Enum.Parse<FaultPoint>(pointName);
        // The id comes first in the answer, so half of it already names the job the POST paid for.
        var answer = SeedResponses.Generation("gen_paid", "queued", "\"prompt\":\"" + new string('p', 200) + "\"");
        await using var server = new ScriptedHttpServer((_, _) => Fault(point, cut, 202, answer));
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = server.BaseAddress,
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            MaxRetries = 3,
        });

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T).WaitAsync(TimeSpan.FromSeconds(20), T));

        Assert.IsType<GptImageHubConnectionException>(ex);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.Single(server.Received, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_submit_answer_that_cannot_be_parsed_after_the_id_names_the_paid_generation()
    {
        var body = Encoding.UTF8.GetBytes(SeedResponses.Generation("gen_paid", "queued", "\"deep\":" + new string('[', 5000) + new string(']', 5000)));
        var handler = new CannedHandler(_ => body);
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 3 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.True(ex.PossiblyCharged);
        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.Equal(1, handler.Posts);
    }

    /// <summary>Answers every request 200 with the body the function makes, given in chunks of at most <paramref name="chunk"/> bytes.</summary>
    private sealed class CannedHandler(Func<HttpRequestMessage, byte[]> body, int chunk = int.MaxValue) : HttpMessageHandler
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                Interlocked.Increment(ref _posts);
            }

            await Task.Yield();
            var bytes = body(request);
            var content = new StreamContent(new DribbleStream(bytes, chunk));
            content.Headers.ContentLength = bytes.Length;
            content.Headers.ContentType = new("application/json");
            return new HttpResponseMessage(request.Method == HttpMethod.Post ? HttpStatusCode.Accepted : HttpStatusCode.OK) { Content = content };
        }
    }

    /// <summary>Gives at most <paramref name="chunk"/> bytes per read, each after a yield, so that concurrent reads interleave.</summary>
    private sealed class DribbleStream(byte[] body, int chunk) : MemoryStream(body, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
        }
    }
}
