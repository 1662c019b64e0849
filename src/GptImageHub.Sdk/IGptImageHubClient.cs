namespace GptImageHub.Sdk;

/// <summary>
/// The GPT Image Hub API: models, credits, generations and image downloads. Implemented by
/// <see cref="GptImageHubClient"/>; mock it in tests, building results with <see cref="GptImageHubModelFactory"/>.
/// </summary>
/// <remarks>
/// It holds the service's own operations only, so that it can be frozen at 1.0: a member added to
/// an interface breaks every implementer on netstandard2.0, which has no default interface methods.
/// Features composed from these operations (estimates, resuming an operation, batches, saving images)
/// are extension methods over it (<see cref="CreditEstimateExtensions"/>,
/// <see cref="GenerationOperationExtensions"/>, <see cref="GptImageHubBatchExtensions"/>,
/// <see cref="ImageDownloadExtensions"/>), and that is how
/// new features arrive: they work on every implementation, mocks and decorators included, and use
/// the <see cref="GptImageHubClient"/>'s shared caches when they run on one.
/// </remarks>
public interface IGptImageHubClient
{
    /// <summary>Lists the image models the service offers, with their options and prices. Needs no API key.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models, in the service's order.</returns>
    /// <exception cref="GptImageHubException">The call failed; the subtype says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the credit balance of the API key's owner.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance.</returns>
    /// <exception cref="UnauthorizedException">No key is configured, or the service refused it.</exception>
    /// <exception cref="GptImageHubException">The call failed; the subtype says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates images and waits until they are ready. By default it submits an asynchronous job
    /// and polls it (<see cref="GenerationMode.Polling"/>); <see cref="GenerationMode.ServerWait"/>
    /// lets the service hold the request open instead.
    /// </summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Stops waiting. After the submit, the job keeps running and <see cref="GenerationCanceledException"/> names it.</param>
    /// <returns>The succeeded generation with its images.</returns>
    /// <exception cref="ArgumentException"><paramref name="request"/> is incomplete or out of range; nothing was sent.</exception>
    /// <exception cref="GenerationFailedException">The job failed; the service refunds its credits.</exception>
    /// <exception cref="GenerationTimeoutException">The job did not end in time; resume with <see cref="WaitForGenerationAsync"/>.</exception>
    /// <exception cref="ClientDisposedException">The client was disposed while it ran; <see cref="GptImageHubException.GenerationId"/> names the job once it was submitted.</exception>
    /// <exception cref="GptImageHubException">Another failure. When the job was submitted, <see cref="GptImageHubException.GenerationId"/> names it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed before the call; nothing was sent.</exception>
    Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Submits an asynchronous generation job (<c>async: true</c>) and returns at once with it.</summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Cancels the submit.</param>
    /// <returns>The queued job; wait for it with <see cref="GenerationOperation.WaitForCompletionAsync"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="request"/> is incomplete or out of range; nothing was sent.</exception>
    /// <exception cref="GptImageHubException">The submit failed; the subtype says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a generation's current state and images once.</summary>
    /// <param name="generationId">The generation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The generation, in whatever state it is.</returns>
    /// <exception cref="ArgumentException"><paramref name="generationId"/> is empty.</exception>
    /// <exception cref="NotFoundException">No such generation for this key's owner.</exception>
    /// <exception cref="InvalidResponseException">The answer is unreadable or about another generation; it names <paramref name="generationId"/>.</exception>
    /// <exception cref="GptImageHubException">The call failed; the subtype says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>Polls a generation until it ends: how to resume a wait after a timeout, a cancellation or a restart.</summary>
    /// <param name="generationId">The generation id, such as <see cref="GptImageHubException.GenerationId"/>.</param>
    /// <param name="progress">Told of the current snapshot and then of each status change, once each, as the wait goes. A handler that throws (inline: a <see cref="Progress{T}"/> posts elsewhere) stops the wait: the wait ends with a
    /// <see cref="GptImageHubException"/> that names the job in <see cref="GptImageHubException.GenerationId"/>, with the handler's
    /// exception as its <see cref="Exception.InnerException"/> (the job keeps running; resume it by id).</param>
    /// <param name="cancellationToken">Stops waiting; the job itself keeps running.</param>
    /// <returns>The succeeded generation with its images.</returns>
    /// <exception cref="ArgumentException"><paramref name="generationId"/> is empty.</exception>
    /// <exception cref="GenerationFailedException">The job failed.</exception>
    /// <exception cref="GenerationTimeoutException">The job did not end within <see cref="PollingOptions.Timeout"/>.</exception>
    /// <exception cref="ClientDisposedException">The client was disposed while it waited; <see cref="GptImageHubException.GenerationId"/> names the job.</exception>
    /// <exception cref="GptImageHubException">A poll failed in a way that retrying cannot mend.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Streams an image to <paramref name="destination"/>. The API key is never sent to the image host.</summary>
    /// <param name="image">The image, from <see cref="ImageGeneration.Images"/>.</param>
    /// <param name="destination">Where the bytes go; the caller owns it.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="GptImageHubException">The download failed; the subtype says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default);
}
