using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on a read by id (GetGenerationAsync, which the batch polls with, and
/// ResumeGenerationAsync): an answer about another generation must not stand in for the paid one.
/// </summary>
public sealed class HostileResumeIdTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("gen_other")]
    [InlineData("GEN_PAID")]
    [InlineData("gen_paid ")]
    [InlineData("")]
    public async Task A_read_by_id_answered_about_another_generation_names_the_one_asked_for(string answered)
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Respond(200, SeedResponses.Succeeded(answered)));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

        var read = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetGenerationAsync("gen_paid", T));
        var resumed = await Assert.ThrowsAsync<InvalidResponseException>(() => client.ResumeGenerationAsync("gen_paid", T));

        Assert.Equal("gen_paid", read.GenerationId);
        Assert.Equal("gen_paid", resumed.GenerationId);
    }
}
