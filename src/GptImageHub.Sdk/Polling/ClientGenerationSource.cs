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
        // The interface reports each change of state, which is when the operation's value changes. The caller's
        // handler is guarded here, not left to the client: one that is not the SDK's may let its throw out without the id.
        var report = observe is null && progress is null ? null : new Observed(progress, observe, cancellationToken);
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
        private readonly Action<ImageGeneration>? _observe;
        private readonly CancellationToken _cancellationToken;

        public Observed(IProgress<ImageGeneration>? inner, Action<ImageGeneration>? observe, CancellationToken cancellationToken)
        {
            _inner = inner;
            _observe = observe;
            _cancellationToken = cancellationToken;
        }

        public void Report(ImageGeneration value)
        {
            _observe?.Invoke(value);
            ConsumerProgress.Report(_inner, value, _cancellationToken);
        }
    }
}
