namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A consumer's decorator over a client that changes only the submit, as a resilience wrapper or an
/// audit layer would: every other operation goes straight to <see cref="Inner"/>.
/// </summary>
internal abstract class SubmitDecorator(IGptImageHubClient inner) : IGptImageHubClient
{
    protected IGptImageHubClient Inner => inner;

    public abstract Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);

    public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => inner.GetModelsAsync(cancellationToken);

    public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => inner.GetCreditsAsync(cancellationToken);

    public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => inner.GenerateImageAsync(request, cancellationToken);

    public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) => inner.GetGenerationAsync(generationId, cancellationToken);

    public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default) => inner.WaitForGenerationAsync(generationId, progress, cancellationToken);

    public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadImageAsync(image, destination, cancellationToken);
}
