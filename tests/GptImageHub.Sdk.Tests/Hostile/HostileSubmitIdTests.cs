using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A submit answer whose "id" is there but null or blank (JsonRequired, used then, asked only that it be
/// present): the job it paid for cannot be named, so it is an unreadable answer, possibly charged,
/// never an operation without an id, nor an ArgumentException from the first poll, which the
/// charge rule reads as "nothing was sent" and a caller would send again.
/// </summary>
public sealed class HostileSubmitIdTests
{
    [Theory]
    [InlineData("null", true)]
    [InlineData("null", false)]
    [InlineData("\"\"", true)]
    [InlineData("\"\"", false)]
    [InlineData("\" \"", true)]
    [InlineData("\" \"", false)]
    public async Task A_submit_answer_without_a_usable_id_is_unreadable_and_possibly_charged(string id, bool generate)
    {
        var answer = $$"""{"object":"image_generation","id":{{id}},"status":"queued","model":"gpt-image-2","images":[]}""";
        await using var server = new ScriptedHttpServer((request, _) => ScriptedHttpServer.Respond(request.Method == "POST" ? 202 : 200, answer));
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = server.BaseAddress,
            MaxRetries = 3,
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(1), UseJitter = false, Timeout = TimeSpan.FromSeconds(5) },
        });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => generate ? client.GenerateImageAsync(request, TestContext.Current.CancellationToken) : client.StartImageGenerationAsync(request, TestContext.Current.CancellationToken));

        var invalid = Assert.IsType<InvalidResponseException>(ex);
        Assert.True(invalid.PossiblyCharged);
        Assert.Null(invalid.GenerationId);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Single(server.Received, r => r.Method == "POST");
    }
}
