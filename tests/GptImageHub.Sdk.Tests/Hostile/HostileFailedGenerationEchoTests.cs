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

    /// <summary>How a server writes the key it echoes inside a JSON string.</summary>
    public enum Echo
    {
        /// <summary>As it is.</summary>
        Verbatim,

        /// <summary>With <c>/</c> escaped, as PHP's <c>json_encode</c> does by default.</summary>
        SolidusEscaped,

        /// <summary>As System.Text.Json's default encoder writes it (<c>+</c> as <c>\u002B</c>).</summary>
        DefaultEncoder,
    }

    /// <summary>Keys not shaped like a GPT Image Hub key, which only the client that holds them can mask.</summary>
    public static TheoryData<string, Echo> ForeignKeys => new()
    {
        { OtherShapedKey, Echo.Verbatim },
        { "sk-with/solidus+plus=0123456789abcdef", Echo.Verbatim },
        { "sk-with/solidus+plus=0123456789abcdef", Echo.SolidusEscaped },
        { "sk-with/solidus+plus=0123456789abcdef", Echo.DefaultEncoder },
    };

    /// <summary>
    /// A consumer's decorator in front of the client (an audit or resilience layer) hides the key from the
    /// batch runner, which masked the reason with the key it read from the client it was given. Behind the
    /// decorator it knew none, and a key not shaped like a GPT Image Hub key went verbatim into the result and the
    /// journal. The client now masks its own key in every answer it reads, so what any caller reads is clean.
    /// </summary>
    [Theory]
    [MemberData(nameof(ForeignKeys))]
    public async Task A_key_echoed_in_an_answer_is_masked_before_any_record_is_read_also_behind_a_decorator(string key, Echo echo)
    {
        var written = echo switch
        {
            Echo.Verbatim => key,
            Echo.SolidusEscaped => key.Replace("/", "\\/", StringComparison.Ordinal),
            _ => System.Text.Json.JsonEncodedText.Encode(key).ToString(),
        };
        using var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(202, Json(SeedResponses.AsyncQueued))
            : request.RequestUri!.AbsolutePath.EndsWith("/credits", StringComparison.Ordinal)
                ? CannedAnswerHandler.Answer(401, Json($$$"""{"error":{"code":"invalid_api_key","message":"no such key: {{{written}}}"}}"""))
                : CannedAnswerHandler.Answer(200, Json(FailedEchoing("Bearer " + written))));
        using var inner = handler.CreateClient(o =>
        {
            o.ApiKey = key;
            o.Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(10), UseJitter = false };
        });
        var client = new PassThrough(inner);

        var read = await client.GetGenerationAsync("clx_generation_log_id", T);
        var refused = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GetCreditsAsync(T));
        var directory = Directory.CreateTempSubdirectory("gih-hostile-failed-echo-").FullName;
        try
        {
            var journal = Path.Combine(directory, "batch.jsonl");
            var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = journal }, T)));

            Assert.Equal(BatchItemStatus.Failed, result.Status);
            Assert.Equal(1, handler.Posts);
            var error = read.AdditionalProperties["error"];
            Assert.Equal("the provider refused the request (Authorization: Bearer [redacted])", error.GetProperty("message").GetString());
            Assert.Equal("[redacted]", error.GetProperty("code").GetString());
            foreach (var text in new[] { error.GetRawText(), refused.ToString(), result.Reason, result.Error?.ToString(), await File.ReadAllTextAsync(journal, T) })
            {
                Assert.DoesNotContain(key, text ?? string.Empty, StringComparison.Ordinal);
                Assert.DoesNotContain(written, text ?? string.Empty, StringComparison.Ordinal);
            }
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

    private sealed class PassThrough(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            Inner.StartImageGenerationAsync(request, cancellationToken);
    }
}
