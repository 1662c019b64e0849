using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A charged submit's answer over MaxResponseBytes (the option allows 1 KiB; a finished generation
/// with a few images is larger) names the paid job from its first bytes whether or not it declares
/// its length: an answer refused on its Content-Length alone had lost the id that an unframed one
/// of the same size kept.
/// </summary>
public sealed class HostileOversizedAnswerTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_submit_answer_declared_over_the_cap_names_the_paid_job(int maxRetries)
    {
        var answer = SeedResponses.Generation("gen_paid", "succeeded", "\"pad\":\"" + new string('x', 3000) + "\"");
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Respond(200, answer));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxResponseBytes = 1024, MaxRetries = maxRetries });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        Assert.Contains("larger than MaxResponseBytes (1024 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Single(server.Received, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_read_answer_declared_over_the_cap_is_still_refused_without_naming_an_id()
    {
        var answer = SeedResponses.Generation("gen_other", "succeeded", "\"pad\":\"" + new string('x', 3000) + "\"");
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Respond(200, answer));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxResponseBytes = 1024, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetGenerationAsync("gen_asked", TestContext.Current.CancellationToken));

        Assert.Equal("gen_asked", ex.GenerationId);
        Assert.False(ex.PossiblyCharged);
    }
}
