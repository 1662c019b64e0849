using System.Net;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// The caller's own cancellation leaves as an <see cref="OperationCanceledException"/> that names the
/// caller's token (as <see cref="HttpClient"/> does), wherever it lands: while the request is out,
/// while the answer's body arrives, or in the wait before a retry. A submit cancelled after its answer
/// named the job says which job it paid for.
/// </summary>
public sealed class CallerCancellationTests
{
    public enum Where
    {
        WhileSending,
        InTheBody,
        BeforeARetry,
    }

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Where.WhileSending)]
    [InlineData(Where.InTheBody)]
    [InlineData(Where.BeforeARetry)]
    public async Task A_cancelled_call_names_the_callers_token(Where where)
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(T);
        var handler = new StoppingHandler(where, caller, "{\"credits\":\"12\"}");
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 1 });

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetCreditsAsync(caller.Token).WaitAsync(TimeSpan.FromSeconds(20), T));

        Assert.Equal(caller.Token, ex.CancellationToken);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_download_cancelled_in_its_body_names_the_callers_token()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(T);
        var handler = new StoppingHandler(Where.InTheBody, caller, "\u0089PNG image bytes");
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 3 });
        var image = new GeneratedImage { Id = "img_1", Url = new Uri("https://cdn.example.com/g1.png") };
        using var destination = new MemoryStream();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DownloadImageAsync(image, destination, caller.Token).WaitAsync(TimeSpan.FromSeconds(20), T));

        Assert.Equal(caller.Token, ex.CancellationToken);
        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(60, "gen_paid")]
    public async Task A_submit_cancelled_in_its_answer_names_the_paid_job_once_the_id_arrived(int bytesBeforeTheStop, string? named)
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(T);
        var answer = SeedResponses.Generation("gen_paid", "queued");
        Assert.True(answer.IndexOf("\"gen_paid\",", StringComparison.Ordinal) + 11 < 60, "the id arrives within the first 60 bytes");
        var handler = new StoppingHandler(Where.InTheBody, caller, answer, bytesBeforeTheStop);
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 3 });

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), caller.Token).WaitAsync(TimeSpan.FromSeconds(20), T));

        Assert.Equal(caller.Token, ex.CancellationToken);
        Assert.Equal(1, handler.Calls);
        if (named is null)
        {
            Assert.IsNotType<GenerationCanceledException>(ex);
        }
        else
        {
            var canceled = Assert.IsType<GenerationCanceledException>(ex);
            Assert.Equal(named, canceled.GenerationId);
            Assert.Contains($"WaitForGenerationAsync(\"{named}\")", canceled.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Cancels the caller's token at <see cref="Where"/> and then waits on the token it was given, as a network would.</summary>
    private sealed class StoppingHandler(Where where, CancellationTokenSource caller, string answer, int bytesBeforeTheStop = 5) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            switch (where)
            {
                case Where.WhileSending:
                    await caller.CancelAsync();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case Where.BeforeARetry:
                    // A wait the service asks for, long enough that only the cancellation ends it.
                    var busy = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") };
                    busy.Headers.TryAddWithoutValidation("Retry-After", "30");
                    caller.CancelAfter(TimeSpan.FromMilliseconds(100));
                    return busy;
            }

            var content = new StreamContent(new StoppingStream(Encoding.UTF8.GetBytes(answer), bytesBeforeTheStop, caller));
            content.Headers.ContentType = new("application/json");
            return new HttpResponseMessage(request.Method == HttpMethod.Post ? HttpStatusCode.Accepted : HttpStatusCode.OK) { Content = content };
        }
    }

    /// <summary>Gives the first bytes of the body, then cancels the caller and waits on its read's token.</summary>
    private sealed class StoppingStream(byte[] body, int before, CancellationTokenSource caller) : MemoryStream(body, 0, before, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                return read;
            }

            await caller.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}
