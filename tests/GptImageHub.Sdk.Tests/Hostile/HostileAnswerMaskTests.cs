using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The mask the client lays over every answer's bytes before it reads a record must not change what the
/// answer means: a paid job's id must survive it, and the masked answer must still be the JSON it was.
/// </summary>
public sealed class HostileAnswerMaskTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    /// <summary>
    /// A key (of a proxy, chosen by its owner) that is a word of the id the service gives a paid job. The mask
    /// rewrote the submit answer's id to "clx_[redacted]": the client then polled, reported and journaled a job
    /// that does not exist, and the paid one was lost.
    /// </summary>
    [Fact]
    public async Task A_key_that_is_a_word_of_the_generation_id_does_not_change_the_id_of_the_paid_job()
    {
        const string Key = "generation_log_id";
        using var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(202, Json(SeedResponses.AsyncQueued))
            : request.RequestUri!.AbsolutePath.EndsWith("/clx_generation_log_id", StringComparison.Ordinal)
                ? CannedAnswerHandler.Answer(200, Json(SeedResponses.SyncSucceeded))
                : CannedAnswerHandler.Answer(404, Json("""{"error":{"code":"notFound","message":"no such generation"}}""")));
        using var client = handler.CreateClient(o =>
        {
            o.ApiKey = Key;
            o.Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(10), UseJitter = false };
        });

        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);
        var read = await client.GetGenerationAsync("clx_generation_log_id", T);
        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions(), T)));

        Assert.Equal("clx_generation_log_id", operation.Id);
        Assert.Equal("clx_generation_log_id", read.Id);
        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal("clx_generation_log_id", result.GenerationId);
    }

    /// <summary>
    /// A key ending in a backslash, echoed by the server as JSON requires (<c>\\</c>). The mask's form "as it is"
    /// matched the first backslash of that escape, and left the second one to escape the closing quote: the
    /// answer no longer parsed, and a paid job's record could not be read.
    /// </summary>
    [Theory]
    [InlineData("sk-0123456789abcdef\\")]
    [InlineData("sk-0123456789abcdef\\\"x")]
    public async Task A_key_with_a_backslash_echoed_in_an_answer_is_masked_and_the_answer_still_reads(string key)
    {
        var written = System.Text.Json.JsonEncodedText.Encode(key, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        using var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(200, Json(SeedResponses.SyncSucceeded.Replace(
            "\"status\": \"succeeded\",", $"\"status\": \"succeeded\", \"echo\": \"Bearer {written}\",", StringComparison.Ordinal))));
        using var client = handler.CreateClient(o => o.ApiKey = key);

        var read = await client.GetGenerationAsync("clx_generation_log_id", T);

        Assert.Equal("clx_generation_log_id", read.Id);
        Assert.Equal("Bearer [redacted]", read.AdditionalProperties["echo"].GetString());
    }

    /// <summary>
    /// The mask as the bytes show it: a match must be whole escapes of one string. A byte search also matched a
    /// key starting with <c>n</c> in the <c>\n</c> of an answer's text (which holds a line break, not the key)
    /// and wrote <c>\[redacted]</c>, an escape JSON does not have.
    /// </summary>
    [Theory]
    [InlineData("nabcdefghijklm", """{"m":"line\nabcdefghijklm"}""", """{"m":"line\nabcdefghijklm"}""")]
    [InlineData("nabcdefghijklm", """{"m":"line\\nabcdefghijklm"}""", """{"m":"line\\[redacted]"}""")]
    [InlineData("abcdefghijkl\\", """{"m":"abcdefghijkl\\","n":1}""", """{"m":"[redacted]","n":1}""")]
    [InlineData("abcdefghijklmn", """{"abcdefghijklmn":"x","id":"clx_abcdefghijklmn"}""", """{"[redacted]":"x","id":"clx_abcdefghijklmn"}""")]
    [InlineData("abcdefghijklmn", "<html>abcdefghijklmn\\</html>", "<html>[redacted]\\</html>")]
    public void The_mask_keeps_the_answer_the_JSON_it_was(string key, string answer, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(Sdk.Errors.SecretRedaction.Redact(Encoding.UTF8.GetBytes(answer), Sdk.Errors.SecretRedaction.JsonForms(key))));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
