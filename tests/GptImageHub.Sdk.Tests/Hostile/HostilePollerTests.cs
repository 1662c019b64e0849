using GptImageHub.Sdk.Tests.Polling;
using static GptImageHub.Sdk.Tests.Polling.PollingHarness;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>Attacks on the wait: answers that name another generation must not take the paid one's id away.</summary>
public sealed class HostilePollerTests
{
    [Theory]
    [InlineData("other", "failed")]
    [InlineData("other", "processing")]
    [InlineData("", "processing")]
    [InlineData("G1", "succeeded")]
    public async Task A_poll_answer_about_another_generation_never_replaces_the_paid_one(string answeredId, string status)
    {
        using var hub = new PollingHarness(o => o.Polling.Timeout = TimeSpan.FromSeconds(30));
        hub.StubSubmit("g1");
        hub.StubPolls("g1", Status(answeredId, status));

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken)));

        Assert.Equal("g1", ex.GenerationId);
        Assert.All(hub.Recorder.Sent.Where(r => r.Method == HttpMethod.Get), r => Assert.Equal("/api/v1/generations/g1", r.Uri.AbsolutePath));
        Assert.Equal(1, hub.Posts);
    }
}
