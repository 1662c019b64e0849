using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk;

/// <summary>
/// Prices generation requests before they are sent.
/// An extension rather than a member of <see cref="IGptImageHubClient"/>, which keeps the service's
/// operations only (see its remarks). On a <see cref="GptImageHubClient"/> it uses the client's shared
/// state; on any other implementation, such as a mock or a decorator, it goes through the interface.
/// </summary>
public static class CreditEstimateExtensions
{
    /// <summary>
    /// Prices a generation request from the service's <c>/models</c> list without sending it. A
    /// <see cref="GptImageHubClient"/> reuses the list for <see cref="GptImageHubClientOptions.ModelCacheDuration"/>;
    /// another implementation is asked for it with <see cref="IGptImageHubClient.GetModelsAsync"/> each time.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="request">The request to price.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The estimate; its <see cref="CreditEstimate.Credits"/> is null, with a reason, when the price list does not say.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="request"/> is incomplete or out of range.</exception>
    /// <exception cref="GptImageHubException">Reading the model list failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<CreditEstimate> EstimateCreditsAsync(this IGptImageHubClient client, ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (client is GptImageHubClient sdk)
        {
            return sdk.EstimateWithCachedModelsAsync(request, cancellationToken);
        }

        GenerationRequestBody.Validate(request);
        return EstimateAsync(client, request, cancellationToken);

        static async Task<CreditEstimate> EstimateAsync(IGptImageHubClient client, ImageGenerationRequest request, CancellationToken cancellationToken) =>
            CreditEstimator.Estimate(request, await client.GetModelsAsync(cancellationToken).ConfigureAwait(false));
    }
}
