using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A generation that failed, whose <c>error</c> (as the service or a proxy in front of the provider wrote it)
/// echoes the request's <c>Authorization</c> header. Error answers are masked, but this reason arrives in a
/// 200 answer to a poll: it went verbatim into <see cref="GenerationFailedException"/>'s message and code, the
/// batch result's reason, and the journal file on disk.
/// </summary>
public sealed class HostileFailedGenerationEchoTests
{
    private const string OtherShapedKey = "sk-Sh4pedOtherw1se-0123456789abcdefXYZ";

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<string> Keys => [TestKeys.ApiKey, OtherShapedKey];

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_failed_generation_whose_reason_echoes_the_key_is_masked_in_the_exception_result_and_journal(string key)
    {
        using var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(202, Json(SeedResponses.AsyncQueued))
            : CannedAnswerHandler.Answer(200, Json(FailedEchoing(request.Headers.Authorization!.ToString()))));
        using var client = handler.CreateClient(o =>
        {
            o.ApiKey = key;
            o.Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(10), UseJitter = false };
        });

        var waited = await Assert.ThrowsAsync<GenerationFailedException>(() => client.WaitForGenerationAsync("clx_generation_log_id", cancellationToken: T));
        var generated = await Assert.ThrowsAsync<GenerationFailedException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));
        var directory = Directory.CreateTempSubdirectory("gih-hostile-failed-echo-").FullName;
        try
        {
            var journal = Path.Combine(directory, "batch.jsonl");
            var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = journal }, T)));

            Assert.Equal(BatchItemStatus.Failed, result.Status);
            foreach (var text in new[] { waited.ToString(), waited.ErrorCode, generated.ToString(), result.Reason, result.Error?.ToString(), await File.ReadAllTextAsync(journal, T) })
            {
                Assert.DoesNotContain(key, text ?? string.Empty, StringComparison.Ordinal);
            }

            Assert.Contains("[redacted]", waited.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string FailedEchoing(string authorization) => $$$"""
        {"object":"image_generation","id":"clx_generation_log_id","status":"failed","model":"gpt-image-2","aspect_ratio":"1:1","quality":"1K",
         "created_at":"2026-04-30T08:00:00.000Z","images":[],
         "error":{"code":"{{{authorization[7..]}}}","message":"the provider refused the request (Authorization: {{{authorization}}})"}}
        """;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
