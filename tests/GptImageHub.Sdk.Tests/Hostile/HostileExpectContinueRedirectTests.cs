using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's <see cref="HttpClient"/> that sends <c>Expect: 100-continue</c> (its default headers, a handler, .NET
/// Framework's default) has the handler hold a large body back until the service says "100 Continue", and send none
/// when a final answer comes first. A generation POST with a reference image, sent whole after a 100 and answered with a
/// 307 by a gateway, was sent on to the address the 307 named; there the answer came before the body, so the body was
/// written once only and the redirect guard (<c>BodyWrites</c>) saw nothing. That second answer (a 429, a documented 401)
/// was taken for the POST's own: "refused, nothing charged", and a 429 was retried, each retry a whole POST that may be
/// charged again.
/// </summary>
public sealed class HostileExpectContinueRedirectTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<int, string, string> Answers() => new()
    {
        { 307, "other-host", "429" },
        { 308, "other-host", "429" },
        { 307, "other-host", "401" },
        { 307, "same", "429" },
        { 307, "same", "401" },
        { 307, "other-host", "202" },
    };

    /// <summary>A 429, a documented 401 or even a job, answered to the head of the redirected request, is not the POST's answer.</summary>
    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_POST_sent_whole_then_redirected_to_an_answer_before_its_body_is_possibly_charged_and_sent_once(int redirect, string target, string answer)
    {
        var refusal = answer switch
        {
            "429" => Answer("429 Too Many Requests", "Retry-After: 0\r\n", """{"error":{"message":"Slow down","code":"rate_limited"}}"""),
            "401" => Answer("401 Unauthorized", "", """{"error":{"message":"No key","code":"missingApiKey"}}"""),
            _ => Answer("202 Accepted", "", SeedResponses.Generation("gen_not_this_post", "queued")),
        };
        // The other address answers at once, before any body; the API server, once the key came (the first request),
        // reads the body after "100 Continue" and redirects; the key gone (a same-address redirect), it answers at once.
        await using var other = new RawAnswerServer((_, _, stream) => WriteAsync(stream, refusal), "127.0.0.2", answersBeforeBody: _ => true);
        RawAnswerServer? apiServer = null;
        await using var api = apiServer = new RawAnswerServer(
            (request, _, stream) => WriteAsync(stream, request.Head.Contains("Authorization:", StringComparison.OrdinalIgnoreCase)
                ? $"HTTP/1.1 {redirect} Redirect\r\nLocation: {new Uri(target == "same" ? apiServer!.BaseAddress : other.BaseAddress, "v1/images/generations")}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                : refusal),
            answersBeforeBody: head => !head.Contains("Authorization:", StringComparison.OrdinalIgnoreCase));
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.ExpectContinue = true;
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 2, RequestTimeout = TimeSpan.FromSeconds(10) });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox")
        {
            ReferenceImages = [ReferenceImage.FromStream(new MemoryStream(TestImages.Png(4096)), "ref.png")],
        };

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(request, T));

        Assert.Equal(1, api.Received.Concat(other.Received).Count(r => r.Body.Length > 0));
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.True(ex.PossiblyCharged, ex.Message);
        Assert.Null(ex.GenerationId);
        Assert.DoesNotContain(TestKeys.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    private static string Answer(string status, string headers, string body) =>
        $"HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    private static Task WriteAsync(Stream stream, string answer) => stream.WriteAsync(Encoding.ASCII.GetBytes(answer)).AsTask();
}
