namespace GptImageHub.Sdk.Polling;

/// <summary>
/// An operation's source over any <see cref="IGptImageHubClient"/> (a mock, a decorator): the
/// updates and waits go through the interface, so whatever the implementation does applies.
/// </summary>
internal sealed class ClientGenerationSource : IGenerationSource
{
    private readonly IGptImageHubClient _client;

    public ClientGenerationSource(IGptImageHubClient client) => _client = client;

    public Task<ImageGeneration> GetAsync(ImageGeneration current, CancellationToken cancellationToken) =>
        _client.GetGenerationAsync(current.Id, cancellationToken);

    public Task<ImageGeneration> WaitAsync(ImageGeneration current, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken)
    {
        // The interface reports each change of state, which is when the operation's value changes.
        var report = observe is null ? progress : new Observed(progress, observe);
        return WaitAsync(current.Id, report, observe, cancellationToken);
    }

    private async Task<ImageGeneration> WaitAsync(string id, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken)
    {
        var final = await _client.WaitForGenerationAsync(id, progress, cancellationToken).ConfigureAwait(false);
        observe?.Invoke(final);
        return final;
    }

    private sealed class Observed : IProgress<ImageGeneration>
    {
        private readonly IProgress<ImageGeneration>? _inner;
        private readonly Action<ImageGeneration> _observe;

        public Observed(IProgress<ImageGeneration>? inner, Action<ImageGeneration> observe)
        {
            _inner = inner;
            _observe = observe;
        }

        public void Report(ImageGeneration value)
        {
            _observe(value);
            _inner?.Report(value);
        }
    }
}
