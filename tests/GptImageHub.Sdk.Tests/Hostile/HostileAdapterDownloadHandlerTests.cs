using System.Text;
using GptImageHub.Sdk.Extensions.AI;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The M.E.AI adapter downloads a generation's images (ResponseFormat.Data) after the generation is paid for, through
/// the same <see cref="HttpClient"/>, whose consumer handlers run on the download too. What such a handler throws (a
/// defect of its own: a disposed cache, a duplicate Dictionary.Add) left GenerateAsync as it was, naming no job
/// (promise 2): the caller never saw the id of a generation it paid for.
/// </summary>
public sealed class HostileAdapterDownloadHandlerTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_consumers_handler_that_throws_on_the_download_ends_GenerateAsync_naming_the_paid_job_without_a_second_POST()
    {
        var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(200, new StringContent(SeedResponses.SyncSucceeded, Encoding.UTF8, "application/json"))
            : throw new InvalidOperationException("The consumer's response cache was disposed."));
        using var client = handler.CreateClient();
        using var generator = client.AsIImageGenerator("gpt-image-2");

        var error = await Assert.ThrowsAnyAsync<GptImageHubException>(() => generator.GenerateAsync(
            new Microsoft.Extensions.AI.ImageGenerationRequest("a fox"), new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Data }, T));

        Assert.Equal("clx_generation_log_id", error.GenerationId);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("WaitForGenerationAsync(\"clx_generation_log_id\")", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Posts);
    }
}
