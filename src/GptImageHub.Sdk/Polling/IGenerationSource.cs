namespace GptImageHub.Sdk.Polling;

/// <summary>Where a <see cref="GenerationOperation"/> gets fresh snapshots: the service, or a fixed answer for tests.</summary>
internal interface IGenerationSource
{
    Task<ImageGeneration> GetAsync(ImageGeneration current, CancellationToken cancellationToken);

    Task<ImageGeneration> WaitAsync(ImageGeneration current, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken);
}
