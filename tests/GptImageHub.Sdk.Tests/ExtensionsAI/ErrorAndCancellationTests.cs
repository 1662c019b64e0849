using GptImageHub.Emulator;
using GptImageHub.Sdk.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

/// <summary>Failures surface as the SDK's own exceptions; once a job is submitted they name it.</summary>
public sealed class ErrorTests : ExtensionsAITestBase
{
    [Fact]
    public async Task Insufficient_credits_is_the_sdks_exception()
    {
        using var poor = CreateClient(Hub.CreateApiKey(credits: 2));
        using var generator = poor.AsIImageGenerator();

        var ex = await Assert.ThrowsAsync<InsufficientCreditsException>(() => generator.GenerateImagesAsync("Too expensive", cancellationToken: Ct));

        Assert.Equal("insufficientCredits", ex.ErrorCode);
    }

    [Fact]
    public async Task Revoked_key_is_the_sdks_exception()
    {
        var key = Hub.CreateApiKey(credits: 100);
        Hub.RevokeApiKey(key);
        using var revoked = CreateClient(key);
        using var generator = revoked.AsIImageGenerator();

        await Assert.ThrowsAsync<InvalidApiKeyException>(() => generator.GenerateImagesAsync("Revoked", cancellationToken: Ct));
    }

    [Fact]
    public async Task Unknown_model_is_the_sdks_invalid_request()
    {
        await Assert.ThrowsAsync<InvalidRequestException>(
            () => Generator.GenerateImagesAsync("No such model", new ImageGenerationOptions { ModelId = "no-such-model" }, Ct));
    }

    [Fact]
    public async Task Failed_generation_names_the_job_and_is_refunded()
    {
        Hub.Faults.FailNextGeneration();

        var ex = await Assert.ThrowsAsync<GenerationFailedException>(() => Generator.GenerateImagesAsync("Will fail", cancellationToken: Ct));

        Assert.False(string.IsNullOrEmpty(ex.GenerationId));
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Failed_download_names_the_paid_generation_and_keeps_the_sdk_cause()
    {
        Hub.Faults.FailNext(404, "notFound", endpoint: EmulatorEndpoint.DownloadImage);

        var ex = await Assert.ThrowsAsync<GptImageHubException>(
            () => Generator.GenerateImagesAsync("Lost on the CDN", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Data }, Ct));

        Assert.False(string.IsNullOrEmpty(ex.GenerationId));
        Assert.Contains(ex.GenerationId!, ex.Message, StringComparison.Ordinal);
        var cause = Assert.IsAssignableFrom<GptImageHubException>(ex.InnerException);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, cause.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.StatusCode);

        // The job is paid for and can be fetched again with the id.
        var again = await Client.WaitForGenerationAsync(ex.GenerationId!, cancellationToken: Ct);
        Assert.Equal(GenerationStatus.Succeeded, again.Status);
        Assert.Single(again.Images);
    }

    [Fact]
    public async Task Uri_results_never_touch_the_cdn()
    {
        Hub.Faults.FailNext(404, "notFound", endpoint: EmulatorEndpoint.DownloadImage);

        var response = await Generator.GenerateImagesAsync("Only the URL", cancellationToken: Ct);

        Assert.IsType<UriContent>(Assert.Single(response.Contents));
        Assert.Equal(1, Hub.Faults.PendingCount);
    }
}

/// <summary>
/// The emulator runs on a fake clock that the test moves by hand, so a queued job or a delayed
/// download stays put until the test cancels: no timing races.
/// </summary>
public sealed class CancellationTests : ExtensionsAITestBase
{
    private readonly FakeTimeProvider _serverTime = new(DateTimeOffset.Parse("2026-04-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    protected override EmulatorOptions CreateEmulatorOptions() => new() { TimeProvider = _serverTime, QueueDelay = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Cancelled_before_the_call_sends_nothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator.GenerateImagesAsync("Never sent", cancellationToken: cts.Token));

        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Cancelled_while_waiting_names_the_submitted_job()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pending = Generator.GenerateImagesAsync("Queued for a minute", cancellationToken: cts.Token);
        await WaitUntilAsync(() => Wire.PollCount >= 1);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<GenerationCanceledException>(() => pending);
        var submitted = await Client.GetGenerationAsync(ex.GenerationId!, Ct);
        Assert.Equal(GenerationStatus.Queued, submitted.Status);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task Cancelled_while_downloading_names_the_finished_job()
    {
        Hub.Faults.DelayNext(TimeSpan.FromMinutes(10), endpoint: EmulatorEndpoint.DownloadImage);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pending = Generator.GenerateImagesAsync(
            "Slow download", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Data }, cts.Token);
        await WaitUntilAsync(() => Wire.PollCount >= 1);
        _serverTime.Advance(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(() => Hub.Faults.PendingCount == 0);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<GenerationCanceledException>(() => pending);
        Assert.Equal(1, Wire.DownloadCount);
        var finished = await Client.GetGenerationAsync(ex.GenerationId!, Ct);
        Assert.Equal(GenerationStatus.Succeeded, finished.Status);
    }
}
