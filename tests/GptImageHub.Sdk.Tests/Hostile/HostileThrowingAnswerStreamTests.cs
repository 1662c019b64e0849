using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A charged submit's answer read through a consumer's handler that wraps the response stream (to count bytes, to
/// tee it to an audit log) can fail with that wrapper's own exception rather than an <see cref="IOException"/>. The
/// SDK passed any such exception on as it was, "a defect": when the answer had already named the job, the caller and
/// the batch lost the id of a job that was paid for. Once the id is in hand, the failure is a connection failure
/// that names it, possibly charged.
/// </summary>
public sealed class HostileThrowingAnswerStreamTests
{
    private const string Named = "{\"object\":\"image_generation\",\"id\":\"gen_teed\",\"status\":\"queued\",";

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_submit_answer_whose_stream_wrapper_throws_after_the_id_names_the_paid_job_and_is_possibly_charged()
    {
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(202, new StreamContent(new PrefixThenStream(Named, AuditTeeClosed()))));
        using var client = handler.CreateClient();

        var error = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal("gen_teed", error.GenerationId);
        Assert.True(error.PossiblyCharged);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(1, handler.Posts);
    }

    [Fact]
    public async Task A_batch_item_whose_answer_stream_wrapper_throws_after_the_id_is_followed_by_that_id_to_its_outcome()
    {
        // The submit's answer breaks after the id; the polls are answered whole. The job the service named is paid for
        // and is followed like any posted item (it was left "unknown" with its id, for the caller to follow by hand).
        var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(202, new StreamContent(new PrefixThenStream(Named, AuditTeeClosed())))
            : CannedAnswerHandler.Answer(200, new StringContent(SeedResponses.SyncSucceeded.Replace("clx_generation_log_id", "gen_teed", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json")));
        using var client = handler.CreateClient();

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions(), T)));

        Assert.Equal(BatchItemStatus.Succeeded, result.Status);
        Assert.Equal("gen_teed", result.GenerationId);
        Assert.Equal("gen_teed", result.Generation!.Id);
        Assert.Equal(1, handler.Posts);
    }

    [Fact]
    public async Task A_submit_answer_whose_stream_wrapper_throws_before_any_id_still_passes_that_exception_on_possibly_charged()
    {
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(202, new StreamContent(new PrefixThenStream("{\"object\":", AuditTeeClosed()))));
        using var client = handler.CreateClient();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.Equal(1, handler.Posts);
    }

    public static TheoryData<int, string> SdkTypesThrownByTheWrapper() => new()
    {
        { 202, nameof(CreditLimitExceededException) },
        { 202, nameof(RateLimitedException) },
        { 202, nameof(ReferenceImageException) },
        { 503, nameof(CreditLimitExceededException) },
        { 503, nameof(RateLimitedException) },
        { 503, nameof(ReferenceImageException) },
    };

    [Theory]
    [MemberData(nameof(SdkTypesThrownByTheWrapper))]
    public async Task A_stream_wrapper_that_throws_one_of_the_SDK_s_own_types_while_a_submit_answer_is_read_is_possibly_charged(int status, string type)
    {
        // The wrapper's exception is of a type the charge rule reads as "a guard, nothing sent" or "refused"; thrown
        // while the answer to a POST that was sent is read, it says nothing of the charge. The batch sends it once.
        Exception Create() => type switch
        {
            nameof(CreditLimitExceededException) => new CreditLimitExceededException("The audit budget is spent."),
            nameof(RateLimitedException) => new RateLimitedException("The audit log is busy.", System.Net.HttpStatusCode.TooManyRequests, "rate_limited"),
            _ => new ReferenceImageException("The audit copy could not be read."),
        };
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(status, new StreamContent(new PrefixThenStream("{\"error\":", Create()))));
        using var client = handler.CreateClient();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));
        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync(Items(1), new BatchOptions(), T)));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.Equal(BatchItemStatus.Unknown, result.Status);
        Assert.Equal(2, handler.Posts);
    }

    /// <summary>A consumer's stream wrapper's own failure: its audit tee could not be written.</summary>
    private static InvalidOperationException AuditTeeClosed() => new("The audit tee's writer was closed.");
}
