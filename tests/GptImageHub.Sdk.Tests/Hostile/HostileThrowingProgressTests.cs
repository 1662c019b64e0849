using GptImageHub.Sdk.Tests.Infrastructure;
using GptImageHub.Sdk.Tests.Polling;
using static GptImageHub.Sdk.Tests.Polling.PollingHarness;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A caller's <see cref="IProgress{T}"/> that throws while it is told of a paid job's state (a bug in a UI update, a
/// disposed view). Found by a hostile run (promise 2): the handler's exception left the wait as it was, without the
/// generation id, so a caller who catches <see cref="GptImageHubException"/> to keep the id lost the job. Now the
/// wait stops with a <see cref="GptImageHubException"/> naming the job, the handler's exception as its inner exception.
/// </summary>
public sealed class HostileThrowingProgressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wait_by_id_whose_progress_throws_stops_with_an_exception_naming_the_job_and_wrapping_the_handlers()
    {
        using var hub = new PollingHarness();
        hub.StubPolls("g1", Status("g1", "queued"), Status("g1", "processing"), Json(200, SeedResponses.Succeeded("g1")));
        var thrown = new InvalidOperationException("the view is gone");

        var ex = await Assert.ThrowsAsync<GptImageHubException>(() => hub.Clock.RunAsync(hub.Client.WaitForGenerationAsync("g1", new ThrowingProgress(thrown), Ct)));

        Assert.Equal("g1", ex.GenerationId);
        Assert.Same(thrown, ex.InnerException);
        Assert.Contains("WaitForGenerationAsync(\"g1\")", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, hub.Polls);
    }

    [Fact]
    public async Task An_operations_wait_whose_progress_throws_on_a_later_state_stops_there_naming_the_job()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "processing"), Json(200, SeedResponses.Succeeded("g1")));
        var operation = await hub.Client.StartImageGenerationAsync(SampleRequest, Ct);
        var thrown = new InvalidOperationException("the view is gone");

        var ex = await Assert.ThrowsAsync<GptImageHubException>(() => hub.Clock.RunAsync(operation.WaitForCompletionAsync(new ThrowingProgress(thrown, onStatus: GenerationStatus.Processing), Ct)));

        Assert.Equal("g1", ex.GenerationId);
        Assert.Same(thrown, ex.InnerException);
        Assert.Equal(1, hub.Polls);
        Assert.Equal(GenerationStatus.Processing, operation.Value.Status);
    }

    [Fact]
    public async Task An_operation_over_a_decorated_client_wraps_the_handlers_exception_once()
    {
        using var hub = new PollingHarness();
        hub.StubPolls("g1", Status("g1", "queued"), Status("g1", "processing"), Json(200, SeedResponses.Succeeded("g1")));
        var operation = await new WrappedClient(hub.Client).ResumeGenerationAsync("g1", Ct);
        var thrown = new InvalidOperationException("the view is gone");

        var ex = await Assert.ThrowsAsync<GptImageHubException>(() => hub.Clock.RunAsync(operation.WaitForCompletionAsync(new ThrowingProgress(thrown, onStatus: GenerationStatus.Processing), Ct)));

        Assert.Equal("g1", ex.GenerationId);
        Assert.Same(thrown, ex.InnerException);
    }

    [Fact]
    public async Task An_operation_over_a_client_that_lets_the_handlers_exception_out_as_it_is_still_names_the_job()
    {
        var operation = await new InlineReportingClient().ResumeGenerationAsync("g1", Ct);
        var thrown = new InvalidOperationException("the view is gone");

        var ex = await Assert.ThrowsAsync<GptImageHubException>(() => operation.WaitForCompletionAsync(new ThrowingProgress(thrown), Ct));

        Assert.Equal("g1", ex.GenerationId);
        Assert.Same(thrown, ex.InnerException);
    }

    [Fact]
    public async Task A_model_factory_operation_whose_progress_throws_names_the_job()
    {
        var operation = GptImageHubModelFactory.GenerationOperation(
            GptImageHubModelFactory.ImageGeneration("g1", GenerationStatus.Queued),
            GptImageHubModelFactory.ImageGeneration("g1", GenerationStatus.Succeeded));
        var thrown = new InvalidOperationException("the view is gone");

        var ex = await Assert.ThrowsAsync<GptImageHubException>(() => operation.WaitForCompletionAsync(new ThrowingProgress(thrown), Ct));

        Assert.Equal("g1", ex.GenerationId);
        Assert.Same(thrown, ex.InnerException);
    }

    [Fact]
    public async Task A_progress_that_throws_the_callers_own_cancellation_ends_the_wait_canceled_naming_the_job()
    {
        using var hub = new PollingHarness();
        hub.StubPolls("g1", Status("g1", "queued"), Json(200, SeedResponses.Succeeded("g1")));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new ThrowingProgress(null) { Before = () => { stop.Cancel(); stop.Token.ThrowIfCancellationRequested(); } };

        var ex = await Assert.ThrowsAsync<GenerationCanceledException>(() => hub.Clock.RunAsync(hub.Client.WaitForGenerationAsync("g1", progress, stop.Token)));

        Assert.Equal("g1", ex.GenerationId);
    }

    /// <summary>Reports inline (unlike <see cref="Progress{T}"/>, which posts to the synchronization context) and throws.</summary>
    private sealed class ThrowingProgress(Exception? thrown, GenerationStatus? onStatus = null) : IProgress<ImageGeneration>
    {
        public Action? Before { get; init; }

        public void Report(ImageGeneration value)
        {
            Before?.Invoke();
            if (thrown is not null && (onStatus is null || value.Status == onStatus))
            {
                throw thrown;
            }
        }
    }

    /// <summary>A client that is not the SDK's: its wait reports inline and lets whatever the handler throws out unchanged.</summary>
    private sealed class InlineReportingClient : IGptImageHubClient
    {
        public Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) =>
            Task.FromResult(GptImageHubModelFactory.ImageGeneration(generationId, GenerationStatus.Queued));

        public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default)
        {
            progress?.Report(GptImageHubModelFactory.ImageGeneration(generationId, GenerationStatus.Queued));
            return Task.FromResult(GptImageHubModelFactory.ImageGeneration(generationId));
        }

        public Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
