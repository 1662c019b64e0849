using GptImageHub.Emulator;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>A decorator over the real client, as a consumer's resilience wrapper or a mock would be.</summary>
internal sealed class WrappedClient(IGptImageHubClient inner) : IGptImageHubClient
{
    private int _modelReads;

    /// <summary>Makes the n-th model-list read (1-based) fail: an estimate over this client reads the list through it.</summary>
    public Func<int, Exception?>? ModelsThrow { get; init; }

    public async Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        if (ModelsThrow?.Invoke(Interlocked.Increment(ref _modelReads)) is { } ex)
        {
            await Task.Yield();
            throw ex;
        }

        return await inner.GetModelsAsync(cancellationToken);
    }

    public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => inner.GetCreditsAsync(cancellationToken);
    public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.GenerateImageAsync(request, cancellationToken);
    public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.StartImageGenerationAsync(request, cancellationToken);
    public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) => inner.GetGenerationAsync(generationId, cancellationToken);
    public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => inner.WaitForGenerationAsync(generationId, progress, cancellationToken);
    public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadImageAsync(image, destination, cancellationToken);
}

public sealed class HostileClientTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(100) }, T);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    private GptImageHubClient Client(string key) => FastClient(_hub.BaseAddress, key);

    // Found by a hostile run (it hung, promise 3): under a budget, a client whose estimate throws anything but a
    // GptImageHubException (a wrapper's TaskCanceledException timeout, a mock's InvalidOperationException) leaks the
    // item's slot: with MaxConcurrency 1 the batch hangs until the caller cancels.
    [Theory]
    [InlineData("TaskCanceled")]
    [InlineData("InvalidOperation")]
    public async Task Estimate_throwing_a_non_service_exception_under_a_budget_skips_the_item_without_hanging(string kind)
    {
        using var real = Client(_hub.CreateApiKey(credits: 100000));
        var client = new WrappedClient(real)
        {
            // The second item's estimate (one at a time, in order) is the second read of the model list.
            ModelsThrow = read => read == 2
                ? (kind == "TaskCanceled" ? new TaskCanceledException("estimate timed out") : new InvalidOperationException("mock"))
                : null,
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(T);
        var run = CollectUntilErrorAsync(client.GenerateBatchAsync(Items(4), new BatchOptions { MaxConcurrency = 1, CreditBudget = 100000 }, cts.Token));
        var finishedAlone = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(8), T)) == run;
        cts.Cancel();
        var (results, error) = await run.WaitAsync(TimeSpan.FromSeconds(10), T);

        Assert.True(finishedAlone, $"HANG: batch did not end in 8 s (posted {_hub.Ledger.GenerationRequests.Count}, results {results.Count}, error {error?.GetType().Name})");
        Assert.True(error is null or GptImageHubException or OperationCanceledException or IOException or ArgumentException, $"escaped {error}");
    }
}
