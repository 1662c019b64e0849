using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <see cref="GenerationOperation.UpdateStatusAsync"/> reads a paid job once. Its wait names the job whatever ends it,
/// but the read did not: the caller's cancellation left as a bare TaskCanceledException, and what a consumer's handler
/// threw out of the read left as it was, so a caller whose handler holds only the exception (a retry loop, a job
/// runner) lost the paid job's id. Both now name it.
/// </summary>
public sealed class HostileOperationReadTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_of_an_operation_the_caller_cancels_names_the_paid_job()
    {
        await using var server = new RawAnswerServer(async (request, _, stream) =>
        {
            if (request.Method == "POST")
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {SeedResponses.AsyncQueued.Length}\r\n\r\n{SeedResponses.AsyncQueued}"));
                return;
            }

            await Task.Delay(Timeout.Infinite, T);
        });
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 2 });
        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var read = operation.UpdateStatusAsync(stop.Token);
        await server.Arrivals.WaitAsync(T);
        await server.Arrivals.WaitAsync(T);

        await stop.CancelAsync();

        var ex = await Assert.ThrowsAsync<GenerationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10), T));
        Assert.Equal(operation.Id, ex.GenerationId);
        Assert.Equal(stop.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task A_consumers_handler_that_throws_on_a_read_of_an_operation_names_the_paid_job()
    {
        var handler = new CannedAnswerHandler(request => request.Method == HttpMethod.Post
            ? CannedAnswerHandler.Answer(202, new StringContent(SeedResponses.AsyncQueued, Encoding.UTF8, "application/json"))
            : throw new InvalidOperationException("The consumer's response cache was disposed."));
        using var client = handler.CreateClient();
        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K }, T);

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => operation.UpdateStatusAsync(T));

        Assert.Equal(operation.Id, ex.GenerationId);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Equal(1, handler.Posts);
    }
}
