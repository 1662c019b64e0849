using System.Net.Http.Headers;
using System.Text;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A submit answer that names its id twice: the reader keeps the last (as for any field), so the
/// paid job an unreadable answer's exception names must be the same last one, never the first id a
/// read answer would have dropped; and a last id that is null or blank names no job there either.
/// </summary>
public sealed class HostileDuplicateIdTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_readable_submit_answer_with_two_ids_is_the_job_of_the_last()
    {
        using var handler = new CannedAnswerHandler(_ => Json("""{"id":"gen_first","status":"queued","id":"gen_last"}"""));
        using var client = handler.CreateClient();

        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);

        Assert.Equal("gen_last", operation.Id);
    }

    [Theory]
    [InlineData("""{"id":"gen_first","status":"queued","id":"gen_last","images":[{"id":"i","url":"http://[bad"}]}""", "gen_last")]
    [InlineData("""{"id":"gen_first","id":"gen_last","status":42}""", "gen_last")]
    [InlineData("""{"id":"gen_first","status":"queued","id":"gen_last","usage":{"credits":99999999999}}""", "gen_last")]
    [InlineData("""{"id":"gen_first","status":"queued","id":null}""", null)]
    [InlineData("""{"id":"gen_first","status":"queued","id":" "}""", null)]
    [InlineData("""{"id":" ","status":"queued","id":"gen_last","images":5}""", "gen_last")]
    public async Task An_unreadable_submit_answer_names_the_job_its_last_id_names(string answer, string? paid)
    {
        using var handler = new CannedAnswerHandler(_ => Json(answer));
        using var client = handler.CreateClient();

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.Equal(paid, ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(1, handler.Posts);
    }

    private static HttpResponseMessage Json(string body) =>
        CannedAnswerHandler.Answer(202, new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
}
