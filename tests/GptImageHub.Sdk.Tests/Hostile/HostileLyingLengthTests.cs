using System.Net.Http.Headers;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Success answers whose Content-Length lies (or is absent) and whose body never ends: the reader
/// takes the cap and one byte, never more, whatever the header says; a charged submit's answer is
/// read to the cap for its id and sent once; any other answer declared over the cap is refused unread.
/// </summary>
public sealed class HostileLyingLengthTests
{
    private const int Cap = 1024;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(100L)]
    [InlineData(1024L)]
    [InlineData(Cap + 1L)]
    [InlineData(1_000_000_000_000L)]
    [InlineData(null)]
    public async Task An_endless_submit_answer_is_read_to_the_cap_and_one_byte_and_names_its_job(long? declared)
    {
        var body = new CountingBodyStream("""{"id":"gen_paid","status":"queued","pad":" """, filler: (byte)'x');
        using var handler = new CannedAnswerHandler(_ => Answer(body, declared));
        using var client = handler.CreateClient(o => o.MaxResponseBytes = Cap);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T)).WaitAsync(TimeSpan.FromSeconds(5), T);

        Assert.InRange(body.Served, 1, Cap + 1);
        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(1, handler.Posts);
    }

    [Theory]
    [InlineData(100L, Cap + 1)]
    [InlineData(null, Cap + 1)]
    [InlineData(Cap + 1L, 0)]
    [InlineData(long.MaxValue, 0)]
    public async Task An_endless_read_answer_is_refused_at_the_cap_or_unread(long? declared, int mostServed)
    {
        var body = new CountingBodyStream("""{"id":"gen_asked","status":"queued","pad":" """, filler: (byte)'x');
        using var handler = new CannedAnswerHandler(_ => Answer(body, declared));
        using var client = handler.CreateClient(o => { o.MaxResponseBytes = Cap; o.MaxRetries = 0; });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetGenerationAsync("gen_asked", T)).WaitAsync(TimeSpan.FromSeconds(5), T);

        Assert.InRange(body.Served, 0, mostServed);
        Assert.Contains($"larger than MaxResponseBytes ({Cap} bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("gen_asked", ex.GenerationId);
    }

    [Fact]
    public async Task A_submit_answer_declared_over_the_cap_but_short_is_read_as_it_is()
    {
        const string answer = """{"id":"gen_short","status":"queued"}""";
        var body = new CountingBodyStream(answer, length: answer.Length);
        using var handler = new CannedAnswerHandler(_ => Answer(body, 1_000_000));
        using var client = handler.CreateClient(o => o.MaxResponseBytes = Cap);

        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);

        Assert.Equal("gen_short", operation.Id);
        Assert.Equal(1, handler.Posts);
    }

    [Fact]
    public async Task A_submit_answer_whose_id_comes_after_the_cap_is_possibly_charged_without_an_id_and_sent_once()
    {
        var body = new CountingBodyStream("{\"pad\":\"" + new string('x', Cap) + "\",\"id\":\"gen_late\",\"status\":\"queued\"}", length: Cap + 50);
        using var handler = new CannedAnswerHandler(_ => Answer(body, null));
        using var client = handler.CreateClient(o => o.MaxResponseBytes = Cap);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.Null(ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.InRange(body.Served, 1, Cap + 1);
        Assert.Equal(1, handler.Posts);
    }

    private static HttpResponseMessage Answer(Stream body, long? declared)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = declared;
        return CannedAnswerHandler.Answer(202, content);
    }
}
