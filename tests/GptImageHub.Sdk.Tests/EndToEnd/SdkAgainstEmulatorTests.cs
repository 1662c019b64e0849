using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.EndToEnd;

/// <summary>The SDK against the local emulator over real HTTP: every endpoint, every error produced for real, the ledger.</summary>
public sealed class SdkAgainstEmulatorTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    private GptImageHubClient Client(string? key, Action<GptImageHubClientOptions>? configure = null)
    {
        var options = new GptImageHubClientOptions
        {
            ApiKey = key,
            BaseAddress = _hub.BaseAddress,
            MaxRetries = 0,
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
        };
        configure?.Invoke(options);
        return new GptImageHubClient(options);
    }

    private static ImageGenerationRequest Fox(int n = 1) => new("gpt-image-2", "a red fox") { Size = ImageSize.Square1024, N = n };

    [Fact]
    public async Task Models_lists_the_four_models_with_their_tiers_limits_and_prices()
    {
        using var client = Client(key: null);

        var models = await client.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["gpt-image-2", "nanobanana", "nanobanana2", "nanobananapro"], models.Select(m => m.Id));
        var gpt = models[0];
        Assert.Equal(("GPT IMAGE 2", "openai", 16), (gpt.Name, gpt.Provider, gpt.ReferenceImageLimit));
        Assert.Equal(new Dictionary<string, int> { ["1K"] = 8, ["2K"] = 10, ["4K"] = 12 }, gpt.CreditsPerImage);
        Assert.Equal(16, gpt.AspectRatios.Count);
        Assert.Equal(3, models[1].ReferenceImageLimit);
    }

    [Fact]
    public async Task Credits_reads_the_balance_of_the_key_owner()
    {
        using var client = Client(_hub.CreateApiKey(credits: 42, accountType: "FREE"));

        var balance = await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal((42, "FREE"), (balance.Credits, balance.AccountType));
    }

    [Fact]
    public async Task A_polled_generation_completes_charges_the_model_price_and_its_image_downloads()
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var client = Client(key);

        var generation = await client.GenerateImageAsync(Fox(), TestContext.Current.CancellationToken);

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        Assert.Equal(8, generation.Usage!.Credits);
        Assert.Equal(92, (await client.GetCreditsAsync(TestContext.Current.CancellationToken)).Credits);
        Assert.True(_hub.Ledger.GenerationRequests.Single().Async);
        using var image = new MemoryStream();
        await client.DownloadImageAsync(Assert.Single(generation.Images), image, TestContext.Current.CancellationToken);
        Assert.Equal((1024, 1024), (PngFile.Parse(image.ToArray()).Width, PngFile.Parse(image.ToArray()).Height));
    }

    [Fact]
    public async Task A_server_wait_generation_returns_the_images_and_the_new_balance()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100), o => o.GenerationMode = GenerationMode.ServerWait);

        var generation = await client.GenerateImageAsync(Fox(n: 2), TestContext.Current.CancellationToken);

        Assert.Equal(2, generation.Images.Count);
        Assert.Equal(84, generation.Balance!.Credits);
        Assert.False(_hub.Ledger.GenerationRequests.Single().Async);
    }

    [Fact]
    public async Task A_polled_job_reports_queued_processing_and_succeeded_on_one_fake_clock()
    {
        await using var hub = await GptImageHubEmulator.StartAsync(
            new EmulatorOptions { QueueDelay = TimeSpan.FromSeconds(5), ProcessingDelay = TimeSpan.FromSeconds(20), TimeProvider = new SteppingClockView(out var clock) },
            TestContext.Current.CancellationToken);
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = hub.CreateApiKey(credits: 10),
            BaseAddress = hub.BaseAddress,
            TimeProvider = clock,
            Polling = { UseJitter = false },
        });
        var seen = new List<string>();

        var operation = await client.StartImageGenerationAsync(Fox(), TestContext.Current.CancellationToken);
        var generation = await clock.RunAsync(operation.WaitForCompletionAsync(new Inline(g => seen.Add(g.Status.ToString())), TestContext.Current.CancellationToken));

        Assert.Equal(["queued", "processing", "succeeded"], seen);
        Assert.Equal(TimeSpan.FromSeconds(34), clock.Elapsed);
        Assert.Single(generation.Images);
    }

    [Fact]
    public async Task A_wait_cancelled_after_submit_resumes_by_id_without_paying_again()
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var client = Client(key, o => o.Polling.InitialInterval = o.Polling.MaxInterval = TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var canceled = await Assert.ThrowsAsync<GenerationCanceledException>(() => client.GenerateImageAsync(Fox(), cts.Token));
        using var resumer = Client(key);
        var generation = await resumer.WaitForGenerationAsync(canceled.GenerationId!, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(canceled.GenerationId, generation.Id);
        Assert.Single(_hub.Ledger.GenerationRequests);
        Assert.Equal(92, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task A_wrong_key_is_InvalidApiKeyException()
    {
        using var client = Client("gih_live_00000000000000000000000000000000");

        var ex = await Assert.ThrowsAsync<InvalidApiKeyException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("invalidApiKey", ex.ErrorCode);
    }

    [Fact]
    public async Task A_revoked_key_is_InvalidApiKeyException()
    {
        var key = _hub.CreateApiKey(credits: 10);
        _hub.RevokeApiKey(key);
        using var client = Client(key);

        await Assert.ThrowsAsync<InvalidApiKeyException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_expired_key_is_ExpiredApiKeyException()
    {
        using var client = Client(_hub.CreateApiKey(credits: 10, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));

        var ex = await Assert.ThrowsAsync<ExpiredApiKeyException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task Too_few_credits_is_InsufficientCreditsException_and_charges_nothing()
    {
        var key = _hub.CreateApiKey(credits: 7);
        using var client = Client(key);

        await Assert.ThrowsAsync<InsufficientCreditsException>(() => client.GenerateImageAsync(Fox(), TestContext.Current.CancellationToken));

        Assert.Equal(7, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task An_unknown_or_foreign_generation_id_is_NotFoundException()
    {
        var owner = _hub.CreateApiKey(credits: 100);
        using var ownerClient = Client(owner);
        var generation = await ownerClient.GenerateImageAsync(Fox(), TestContext.Current.CancellationToken);
        using var stranger = Client(_hub.CreateApiKey(credits: 100));

        await Assert.ThrowsAsync<NotFoundException>(() => stranger.GetGenerationAsync("no-such-id", TestContext.Current.CancellationToken));
        var foreign = await Assert.ThrowsAsync<NotFoundException>(() => stranger.WaitForGenerationAsync(generation.Id, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(generation.Id, foreign.GenerationId);
    }

    [Fact]
    public async Task Too_many_reference_images_for_the_model_is_refused_by_the_service_with_InvalidRequestException()
    {
        var key = _hub.CreateApiKey(credits: 100);
        using var client = Client(key);
        var png = TestImages.Png(100);
        var request = new ImageGenerationRequest("nanobanana", "a fox") { ReferenceImages = [.. Enumerable.Range(0, 4).Select(i => ReferenceImage.FromBytes(png, $"{i}.png"))] };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => client.GenerateImageAsync(request, TestContext.Current.CancellationToken));

        Assert.Equal("invalid_request", ex.ErrorCode);
        Assert.Equal(100, _hub.Ledger.GetBalance(key));
    }

    [Fact]
    public async Task Reference_images_reach_the_service_as_multipart_parts()
    {
        using var client = Client(_hub.CreateApiKey(credits: 100));
        var request = Fox() with { ReferenceImages = [ReferenceImage.FromBytes(TestImages.Png(300), "a.png"), ReferenceImage.FromBytes(TestImages.Jpeg(300), "b.jpg")] };

        var generation = await client.GenerateImageAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        var received = Assert.Single(_hub.Ledger.GenerationRequests);
        Assert.True(received.IsMultipart);
        Assert.Equal(2, received.ReferenceImageCount);
    }

    [Fact]
    public async Task A_hundred_concurrent_generations_with_injected_failures_charge_exactly_for_the_images_delivered()
    {
        var key = _hub.CreateApiKey(credits: 10_000);
        using var client = Client(key);
        _hub.Faults.FailNextGeneration(count: 10);
        _hub.Faults.DeliverFewerImagesNext(imagesDelivered: 1, count: 10);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            try
            {
                return (Generation: await client.GenerateImageAsync(Fox(n: 2) with { Prompt = $"fox {i}" }, TestContext.Current.CancellationToken), Failure: (GenerationFailedException?)null);
            }
            catch (GenerationFailedException ex)
            {
                return (Generation: (ImageGeneration?)null, Failure: ex);
            }
        }));

        var succeeded = outcomes.Where(o => o.Generation is not null).Select(o => o.Generation!).ToList();
        var failed = outcomes.Where(o => o.Failure is not null).Select(o => o.Failure!).ToList();
        Assert.Equal(10, failed.Count);
        Assert.All(failed, f => Assert.NotNull(f.GenerationId));
        Assert.Equal(90, succeeded.Count);
        Assert.Equal(10, succeeded.Count(g => g.Images.Count == 1));
        var delivered = succeeded.Sum(g => g.Images.Count);
        Assert.Equal(170, delivered);
        Assert.Equal(delivered, _hub.Ledger.ImagesDelivered);
        Assert.Equal(delivered * 8, _hub.Ledger.NetCharged);
        Assert.Equal(succeeded.Sum(g => g.Usage!.Credits), _hub.Ledger.NetCharged);
        Assert.Equal(10_000 - _hub.Ledger.NetCharged, _hub.Ledger.GetBalance(key));
        Assert.Equal(100, _hub.Ledger.GenerationRequests.Count);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(1, _hub.Ledger.CountGenerationRequests($"fox {i}")));
        Assert.Equal(100, outcomes.Select(o => o.Generation?.Id ?? o.Failure!.GenerationId).Distinct().Count());
    }

    private sealed class Inline(Action<ImageGeneration> report) : IProgress<ImageGeneration>
    {
        public void Report(ImageGeneration value) => report(value);
    }

    /// <summary>Lets the emulator read the same stepping clock as the SDK.</summary>
    private sealed class SteppingClockView : TimeProvider
    {
        private readonly SteppingClock _clock;

        public SteppingClockView(out SteppingClock clock) => clock = _clock = new SteppingClock();

        public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

        public override long GetTimestamp() => _clock.GetTimestamp();

        public override long TimestampFrequency => _clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            _clock.Fake.CreateTimer(callback, state, dueTime, period);
    }
}
