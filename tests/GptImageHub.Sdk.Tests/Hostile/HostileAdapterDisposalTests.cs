using GptImageHub.Sdk.Extensions.AI;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The M.E.AI adapter downloads a generation's images after the generation is paid for: a client
/// disposed in between (an application shutting down) must still name the paid job, never leave
/// as the client's own "nothing was sent" ObjectDisposedException.
/// </summary>
public sealed class HostileAdapterDisposalTests
{
    [Fact]
    public async Task A_client_disposed_after_the_generation_and_before_its_download_names_the_paid_job()
    {
        await using var server = new ScriptedHttpServer((_, _) => ScriptedHttpServer.Respond(200, SeedResponses.Succeeded("gen_paid")));
        var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0, GenerationMode = GenerationMode.ServerWait });
        using var generator = new DisposingAfterGenerating(client).AsIImageGenerator("gpt-image-2");

        var ex = await Assert.ThrowsAsync<ClientDisposedException>(() => generator.GenerateAsync(new Microsoft.Extensions.AI.ImageGenerationRequest("a fox"), new Microsoft.Extensions.AI.ImageGenerationOptions { ResponseFormat = Microsoft.Extensions.AI.ImageGenerationResponseFormat.Data }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("gen_paid", ex.GenerationId);
        Assert.IsType<ObjectDisposedException>(ex.InnerException);
        Assert.Contains("WaitForGenerationAsync(\"gen_paid\")", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Received, r => r.Method == "POST");
    }

    /// <summary>Disposes the client as soon as a generation returns, as a shutdown racing the call would.</summary>
    private sealed class DisposingAfterGenerating(GptImageHubClient inner) : IGptImageHubClient
    {
        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => inner.GetModelsAsync(cancellationToken);

        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => inner.GetCreditsAsync(cancellationToken);

        public async Task<ImageGeneration> GenerateImageAsync(Sdk.ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var generation = await inner.GenerateImageAsync(request, cancellationToken);
            inner.Dispose();
            return generation;
        }

        public Task<GenerationOperation> StartImageGenerationAsync(Sdk.ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.StartImageGenerationAsync(request, cancellationToken);

        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) => inner.GetGenerationAsync(generationId, cancellationToken);

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => inner.WaitForGenerationAsync(generationId, progress, cancellationToken);

        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadImageAsync(image, destination, cancellationToken);
    }
}
