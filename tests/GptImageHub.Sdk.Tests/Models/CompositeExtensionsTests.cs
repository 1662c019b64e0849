namespace GptImageHub.Sdk.Tests.Models;

/// <summary>
/// The composite features are extensions over <see cref="IGptImageHubClient"/>: on a mock or a
/// decorator they go through the interface's own operations.
/// </summary>
public sealed class CompositeExtensionsTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EstimateCreditsAsync_on_another_implementation_prices_from_its_model_list()
    {
        var client = new ScriptedClient();

        var estimate = await client.EstimateCreditsAsync(new ImageGenerationRequest("m1", "a fox") { N = 2, Quality = ImageQuality.Tier2K }, T);

        Assert.Equal(2 * 7, estimate.Credits);
        Assert.Equal(1, client.ModelReads);
    }

    [Fact]
    public async Task ResumeGenerationAsync_on_another_implementation_reads_and_waits_through_the_interface()
    {
        var client = new ScriptedClient();
        var seen = new List<GenerationStatus>();

        var operation = await client.ResumeGenerationAsync("g1", T);
        Assert.Equal(GenerationStatus.Processing, operation.Value.Status);
        var final = await operation.WaitForCompletionAsync(new SynchronousProgress(g => seen.Add(g.Status)), T);

        Assert.Equal(GenerationStatus.Succeeded, final.Status);
        Assert.Equal(GenerationStatus.Succeeded, operation.Value.Status);
        Assert.Equal([GenerationStatus.Succeeded], seen);
        Assert.Equal(["get g1", "wait g1"], client.Calls);
    }

    private sealed class SynchronousProgress(Action<ImageGeneration> report) : IProgress<ImageGeneration>
    {
        public void Report(ImageGeneration value) => report(value);
    }

    private sealed class ScriptedClient : IGptImageHubClient
    {
        public int ModelReads { get; private set; }

        public List<string> Calls { get; } = [];

        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default)
        {
            ModelReads++;
            return Task.FromResult<IReadOnlyList<ImageModel>>([GptImageHubModelFactory.ImageModel("m1", qualities: ["1K", "2K"], creditsPerImage: new Dictionary<string, int> { ["1K"] = 5, ["2K"] = 7 })]);
        }

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default)
        {
            Calls.Add("get " + generationId);
            return Task.FromResult(GptImageHubModelFactory.ImageGeneration(generationId, GenerationStatus.Processing));
        }

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default)
        {
            Calls.Add("wait " + generationId);
            var final = GptImageHubModelFactory.ImageGeneration(generationId, GenerationStatus.Succeeded);
            progress?.Report(final);
            return Task.FromResult(final);
        }

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
