using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <c>GenerateImageAsync</c> in polling mode submits, learns the paid job's id, then polls it through the same
/// <see cref="HttpClient"/>, whose consumer handlers run on every poll. What a handler threw out of a poll (a
/// <c>Dictionary.Add</c> of a duplicate, a disposed cache of its own) left the call as it was, naming no job: the
/// caller, who never saw the id, lost a job that was paid for. A wait now ends with an exception that names it.
/// </summary>
public sealed class HostilePollHandlerTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_consumers_handler_that_throws_on_a_poll_ends_GenerateImageAsync_naming_the_paid_job()
    {
        var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(202, new StringContent(SeedResponses.AsyncQueued, Encoding.UTF8, "application/json"))
            : throw new InvalidOperationException("The consumer's response cache was disposed."));
        using var client = handler.CreateClient(options => options.Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(1), MaxInterval = TimeSpan.FromMilliseconds(1), UseJitter = false });

        var error = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T));

        Assert.Equal("clx_generation_log_id", error.GenerationId);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(1, handler.Posts);
    }
}
