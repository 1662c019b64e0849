namespace GptImageHub.Sdk.Polling;

/// <summary>The source behind <see cref="GptImageHubModelFactory.GenerationOperation"/>: it always answers with one final snapshot.</summary>
internal sealed class FixedGenerationSource : IGenerationSource
{
    private readonly ImageGeneration _final;

    public FixedGenerationSource(ImageGeneration final) => _final = final;

    public Task<ImageGeneration> GetAsync(ImageGeneration current, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_final);
    }

    public Task<ImageGeneration> WaitAsync(ImageGeneration current, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ConsumerProgress.Report(progress, current, cancellationToken);
        observe?.Invoke(_final);
        if (_final.Status != current.Status)
        {
            ConsumerProgress.Report(progress, _final, cancellationToken);
        }

        return _final.Status == GenerationStatus.Failed
            ? Task.FromException<ImageGeneration>(GenerationPoller.Failed(_final, apiKey: null))
            : Task.FromResult(_final);
    }
}
