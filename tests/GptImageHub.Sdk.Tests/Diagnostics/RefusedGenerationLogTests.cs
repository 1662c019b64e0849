using GptImageHub.Emulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace GptImageHub.Sdk.Tests.Diagnostics;

public sealed class RefusedGenerationLogTests
{
    [Fact]
    public async Task A_generation_refused_before_it_has_an_id_is_logged_without_a_null_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = await GptImageHubEmulator.StartAsync(cancellationToken: ct);
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = hub.CreateApiKey(credits: 3), BaseAddress = hub.BaseAddress }, loggerFactory);

        await Assert.ThrowsAsync<InsufficientCreditsException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), ct));

        var warnings = collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Contains("Generation request for gpt-image-2 failed with InsufficientCreditsException before the service returned a job id", warnings);
        Assert.DoesNotContain(warnings, m => m.StartsWith("Generation (null)", StringComparison.Ordinal));
    }
}
