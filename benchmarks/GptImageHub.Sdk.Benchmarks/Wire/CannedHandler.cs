using System.Net;

namespace GptImageHub.Sdk.Benchmarks.Wire;

/// <summary>
/// An in-memory transport: answers every request with canned bytes in a fresh
/// <see cref="ByteArrayContent"/>, so a benchmark measures only what the client does. Each library
/// goes through the same instance type and the same routing, so its cost cancels out of the ratios.
/// </summary>
public sealed class CannedHandler : HttpMessageHandler
{
    private static readonly bool AnswerAsynchronously = Environment.GetEnvironmentVariable("BENCH_ASYNC") == "1";

    private readonly Func<HttpRequestMessage, byte[]> _route;

    public CannedHandler(Func<HttpRequestMessage, byte[]> route) => _route = route;

    /// <summary>Answers a POST with <paramref name="post"/> and every GET with <paramref name="get"/>.</summary>
    public static CannedHandler Fixed(byte[] get, byte[]? post = null) => new(request => request.Method == HttpMethod.Post ? post ?? get : get);

    /// <summary>
    /// A job that the client must poll three times: the POST answers queued, then the polls answer
    /// running, running, succeeded, and the cycle starts again for the next operation.
    /// </summary>
    public static CannedHandler PolledThreeTimes()
    {
        var polls = 0;
        return new(request =>
        {
            if (request.Method == HttpMethod.Post)
            {
                polls = 0;
                return SeedBodies.AsyncQueued;
            }

            return ++polls < 3 ? SeedBodies.Running : SeedBodies.SyncSucceeded;
        });
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // BENCH_ASYNC=1: answer after a yield, as a socket does, so every async layer above completes asynchronously.
        if (AnswerAsynchronously)
        {
            await Task.Yield();
        }

        // A real transport writes the body to the socket; draining it here makes lazily serialized
        // content (JsonContent, Refit's and OpenAI's bodies) pay the serialization it would pay there.
        if (request.Content is { } content)
        {
            await content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        var body = _route(request);
        var response = new HttpResponseMessage(ReferenceEquals(body, SeedBodies.AsyncQueued) ? HttpStatusCode.Accepted : HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(body),
        };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return response;
    }
}
