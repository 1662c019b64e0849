using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GptImageHub.Sdk.Benchmarks.Peers;
using GptImageHub.Sdk.Benchmarks.Wire;
using OpenAI.Images;

namespace GptImageHub.Sdk.Benchmarks.PerCall;

/// <summary>
/// The client's own cost of one operation: every library sends the same request and reads the
/// same canned bytes through an in-memory handler, so what differs is what the client does.
/// Raw is the baseline of each category; RawFull is the same hand-written client reading every field
/// the SDK returns (Peers/RawFullDtos.cs), the like-for-like floor.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class PerCallBenchmarks
{
    private const string Key = SeedBodies.ApiKey;
    private const string Id = SeedBodies.GenerationId;

    private readonly List<IDisposable> _owned = [];

    private GptImageHubClient _sdkGet = null!, _sdkCredits = null!, _sdkModels = null!, _sdkStart = null!, _sdkServerWait = null!, _sdkPolling = null!;
    private RawClient<RawGeneration, RawCredits, RawModelList> _rawGet = null!, _rawCredits = null!, _rawModels = null!, _rawStart = null!, _rawServerWait = null!, _rawPolling = null!;
    private RawClient<RawFullGeneration, RawFullCredits, RawFullModelList> _fullGet = null!, _fullCredits = null!, _fullModels = null!, _fullStart = null!, _fullServerWait = null!, _fullPolling = null!;
    private IRefitGptImageHubApi _refitGet = null!, _refitCredits = null!, _refitModels = null!, _refitStart = null!, _refitServerWait = null!, _refitPolling = null!;
    private ImageClient _openAI = null!;
    private ImageGenerationRequest _sdkRequest = null!;

    // Built once, like the SDK's request, so that no library pays for building its request object.
    private RawGenerationRequest _rawAsyncRequest = null!, _rawSyncRequest = null!;
    private ImageGenerationOptions _openAIOptions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sdkRequest = Clients.SdkRequest();
        _rawAsyncRequest = Clients.RawRequest(submitAsync: true);
        _rawSyncRequest = Clients.RawRequest(submitAsync: false);
        _openAIOptions = Clients.OpenAIOptions();

        _sdkGet = Own(Clients.Sdk(CannedHandler.Fixed(SeedBodies.SyncSucceeded)));
        _sdkCredits = Own(Clients.Sdk(CannedHandler.Fixed(SeedBodies.Credits)));
        _sdkModels = Own(Clients.Sdk(CannedHandler.Fixed(SeedBodies.Models)));
        _sdkStart = Own(Clients.Sdk(CannedHandler.Fixed(SeedBodies.SyncSucceeded, SeedBodies.AsyncQueued)));
        _sdkServerWait = Own(Clients.Sdk(CannedHandler.Fixed(SeedBodies.SyncSucceeded), GenerationMode.ServerWait));
        _sdkPolling = Own(Clients.Sdk(CannedHandler.PolledThreeTimes()));

        _rawGet = Clients.Raw(CannedHandler.Fixed(SeedBodies.SyncSucceeded));
        _rawCredits = Clients.Raw(CannedHandler.Fixed(SeedBodies.Credits));
        _rawModels = Clients.Raw(CannedHandler.Fixed(SeedBodies.Models));
        _rawStart = Clients.Raw(CannedHandler.Fixed(SeedBodies.SyncSucceeded, SeedBodies.AsyncQueued));
        _rawServerWait = Clients.Raw(CannedHandler.Fixed(SeedBodies.SyncSucceeded));
        _rawPolling = Clients.Raw(CannedHandler.PolledThreeTimes());

        _fullGet = Clients.RawFull(CannedHandler.Fixed(SeedBodies.SyncSucceeded));
        _fullCredits = Clients.RawFull(CannedHandler.Fixed(SeedBodies.Credits));
        _fullModels = Clients.RawFull(CannedHandler.Fixed(SeedBodies.Models));
        _fullStart = Clients.RawFull(CannedHandler.Fixed(SeedBodies.SyncSucceeded, SeedBodies.AsyncQueued));
        _fullServerWait = Clients.RawFull(CannedHandler.Fixed(SeedBodies.SyncSucceeded));
        _fullPolling = Clients.RawFull(CannedHandler.PolledThreeTimes());

        _refitGet = Clients.Refit(CannedHandler.Fixed(SeedBodies.SyncSucceeded));
        _refitCredits = Clients.Refit(CannedHandler.Fixed(SeedBodies.Credits));
        _refitModels = Clients.Refit(CannedHandler.Fixed(SeedBodies.Models));
        _refitStart = Clients.Refit(CannedHandler.Fixed(SeedBodies.SyncSucceeded, SeedBodies.AsyncQueued));
        _refitServerWait = Clients.Refit(CannedHandler.Fixed(SeedBodies.SyncSucceeded));
        _refitPolling = Clients.Refit(CannedHandler.PolledThreeTimes());

        _openAI = Clients.OpenAI(CannedHandler.Fixed(SeedBodies.OpenAIImage));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    // GET /api/v1/generations/{id}: a poll's cost.

    [Benchmark(Baseline = true, Description = "Raw"), BenchmarkCategory("GetGeneration")]
    public Task<RawGeneration> GetGeneration_Raw() => _rawGet.GetGenerationAsync(Id);

    [Benchmark(Description = "RawFull"), BenchmarkCategory("GetGeneration")]
    public Task<RawFullGeneration> GetGeneration_RawFull() => _fullGet.GetGenerationAsync(Id);

    [Benchmark(Description = "Sdk"), BenchmarkCategory("GetGeneration")]
    public Task<ImageGeneration> GetGeneration_Sdk() => _sdkGet.GetGenerationAsync(Id);

    [Benchmark(Description = "Refit"), BenchmarkCategory("GetGeneration")]
    public Task<RawGeneration> GetGeneration_Refit() => _refitGet.GetGenerationAsync(Id, Key, CancellationToken.None);

    // GET /api/v1/credits

    [Benchmark(Baseline = true, Description = "Raw"), BenchmarkCategory("GetCredits")]
    public Task<RawCredits> GetCredits_Raw() => _rawCredits.GetCreditsAsync();

    [Benchmark(Description = "RawFull"), BenchmarkCategory("GetCredits")]
    public Task<RawFullCredits> GetCredits_RawFull() => _fullCredits.GetCreditsAsync();

    [Benchmark(Description = "Sdk"), BenchmarkCategory("GetCredits")]
    public Task<CreditBalance> GetCredits_Sdk() => _sdkCredits.GetCreditsAsync();

    [Benchmark(Description = "Refit"), BenchmarkCategory("GetCredits")]
    public Task<RawCredits> GetCredits_Refit() => _refitCredits.GetCreditsAsync(Key, CancellationToken.None);

    // GET /api/v1/models

    [Benchmark(Baseline = true, Description = "Raw"), BenchmarkCategory("GetModels")]
    public Task<RawModelList> GetModels_Raw() => _rawModels.GetModelsAsync();

    [Benchmark(Description = "RawFull"), BenchmarkCategory("GetModels")]
    public Task<RawFullModelList> GetModels_RawFull() => _fullModels.GetModelsAsync();

    [Benchmark(Description = "Sdk"), BenchmarkCategory("GetModels")]
    public Task<IReadOnlyList<ImageModel>> GetModels_Sdk() => _sdkModels.GetModelsAsync();

    [Benchmark(Description = "Refit"), BenchmarkCategory("GetModels")]
    public Task<RawModelList> GetModels_Refit() => _refitModels.GetModelsAsync(CancellationToken.None);

    // POST /api/v1/images/generations with async: true, answered 202 queued.

    [Benchmark(Baseline = true, Description = "Raw"), BenchmarkCategory("StartGeneration")]
    public Task<RawGeneration> StartGeneration_Raw() => _rawStart.CreateGenerationAsync(_rawAsyncRequest);

    [Benchmark(Description = "RawFull"), BenchmarkCategory("StartGeneration")]
    public Task<RawFullGeneration> StartGeneration_RawFull() => _fullStart.CreateGenerationAsync(_rawAsyncRequest);

    [Benchmark(Description = "Sdk"), BenchmarkCategory("StartGeneration")]
    public Task<GenerationOperation> StartGeneration_Sdk() => _sdkStart.StartImageGenerationAsync(_sdkRequest);

    [Benchmark(Description = "Refit"), BenchmarkCategory("StartGeneration")]
    public Task<RawGeneration> StartGeneration_Refit() => _refitStart.CreateGenerationAsync(_rawAsyncRequest, Key, CancellationToken.None);

    // One POST that comes back with the finished image: the SDK's server wait, and OpenAI's only mode.

    [Benchmark(Baseline = true, Description = "Raw"), BenchmarkCategory("GenerateServerWait")]
    public Task<RawGeneration> GenerateServerWait_Raw() => _rawServerWait.CreateGenerationAsync(_rawSyncRequest);

    [Benchmark(Description = "RawFull"), BenchmarkCategory("GenerateServerWait")]
    public Task<RawFullGeneration> GenerateServerWait_RawFull() => _fullServerWait.CreateGenerationAsync(_rawSyncRequest);

    [Benchmark(Description = "Sdk"), BenchmarkCategory("GenerateServerWait")]
    public Task<ImageGeneration> GenerateServerWait_Sdk() => _sdkServerWait.GenerateImageAsync(_sdkRequest);

    [Benchmark(Description = "Refit"), BenchmarkCategory("GenerateServerWait")]
    public Task<RawGeneration> GenerateServerWait_Refit() => _refitServerWait.CreateGenerationAsync(_rawSyncRequest, Key, CancellationToken.None);

    [Benchmark(Description = "OpenAI"), BenchmarkCategory("GenerateServerWait")]
    public async Task<Uri> GenerateServerWait_OpenAI()
    {
        var result = await _openAI.GenerateImageAsync("A perfume bottle on black marble", _openAIOptions).ConfigureAwait(false);
        return result.Value.ImageUri;
    }

    // POST (queued) then three polls: running, running, succeeded.

    [Benchmark(Baseline = true, Description = "Raw"), BenchmarkCategory("GeneratePolling3")]
    public Task<RawGeneration> GeneratePolling_Raw() => _rawPolling.GenerateByPollingAsync(_rawAsyncRequest, Clients.PollInterval, TimeProvider.System);

    [Benchmark(Description = "RawFull"), BenchmarkCategory("GeneratePolling3")]
    public Task<RawFullGeneration> GeneratePolling_RawFull() => _fullPolling.GenerateByPollingAsync(_rawAsyncRequest, Clients.PollInterval, TimeProvider.System);

    [Benchmark(Description = "Sdk"), BenchmarkCategory("GeneratePolling3")]
    public Task<ImageGeneration> GeneratePolling_Sdk() => _sdkPolling.GenerateImageAsync(_sdkRequest);

    [Benchmark(Description = "Refit"), BenchmarkCategory("GeneratePolling3")]
    public async Task<RawGeneration> GeneratePolling_Refit()
    {
        var generation = await _refitPolling.CreateGenerationAsync(_rawAsyncRequest, Key, CancellationToken.None).ConfigureAwait(false);
        while (generation.Status is not ("succeeded" or "failed"))
        {
            await Task.Delay(Clients.PollInterval, TimeProvider.System).ConfigureAwait(false);
            generation = await _refitPolling.GetGenerationAsync(generation.Id, Key, CancellationToken.None).ConfigureAwait(false);
        }

        return generation;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
