using Microsoft.Extensions.AI;
using MeaiImageGenerationRequest = Microsoft.Extensions.AI.ImageGenerationRequest;

namespace GptImageHub.Sdk.Extensions.AI;

/// <summary>
/// An <see cref="IImageGenerator"/> over an <see cref="IGptImageHubClient"/>: one call is one
/// <see cref="IGptImageHubClient.GenerateImageAsync"/>, so the SDK's polling, retry rules and typed
/// errors apply unchanged. Original images of an edit become reference images.
/// </summary>
internal sealed class GptImageHubImageGenerator : IImageGenerator
{
    private readonly IGptImageHubClient _client;
    private readonly string? _defaultModelId;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Creates a generator that sends through <paramref name="client"/>, which it does not own.</summary>
    /// <param name="client">The client.</param>
    /// <param name="defaultModelId">The model used when the options name none.</param>
    public GptImageHubImageGenerator(IGptImageHubClient client, string? defaultModelId)
    {
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new ImageGeneratorMetadata(
            GptImageHubClientExtensions.ProviderName, (client as GptImageHubClient)?.BaseAddress, defaultModelId);
    }

    /// <summary>
    /// Generates images, or edits the request's original images, and returns them as
    /// <see cref="UriContent"/> (CDN URLs, the default) or, for <see cref="ImageGenerationResponseFormat.Data"/>,
    /// as downloaded <see cref="DataContent"/>. The SDK's <see cref="ImageGeneration"/> is the response's raw representation.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The prompt is empty, or an option is out of range; nothing was sent.</exception>
    /// <exception cref="NotSupportedException">A media type other than PNG, or an original image that is not <see cref="DataContent"/>; nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">No model id is set and the generator has no default.</exception>
    /// <exception cref="GptImageHubException">The service or a download failed; after the submit, <see cref="GptImageHubException.GenerationId"/> names the paid job.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; after the submit, as <see cref="GenerationCanceledException"/>.</exception>
    public async Task<ImageGenerationResponse> GenerateAsync(
        MeaiImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var sdkRequest = ImageRequestMapper.ToSdkRequest(request, options, this, _defaultModelId);
        var generation = await _client.GenerateImageAsync(sdkRequest, cancellationToken).ConfigureAwait(false);

        var contents = options?.ResponseFormat == ImageGenerationResponseFormat.Data
            ? await DownloadAsync(generation, cancellationToken).ConfigureAwait(false)
            : ToUriContents(generation);

        return new ImageGenerationResponse(contents)
        {
            RawRepresentation = generation,
            Usage = ToUsage(generation.Usage),
        };
    }

    /// <summary>Returns the metadata, this generator, or the wrapped client; null for anything else and for every keyed request.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType is null ? throw new ArgumentNullException(nameof(serviceType))
        : serviceKey is not null ? null
        : serviceType == typeof(ImageGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType.IsInstanceOfType(_client) ? _client
        : null;

    /// <summary>Does nothing: the generator does not own the client.</summary>
    public void Dispose()
    {
    }

    private static List<AIContent> ToUriContents(ImageGeneration generation)
    {
        var contents = new List<AIContent>(generation.Images.Count);
        foreach (var image in generation.Images)
        {
            contents.Add(new UriContent(image.Url, ImageMediaTypes.FromUrl(image.Url)) { RawRepresentation = image });
        }

        return contents;
    }

    /// <summary>
    /// Downloads every image, one after another. The generation is paid for by then, so a failure
    /// names it: the caller can fetch it again with <see cref="IGptImageHubClient.WaitForGenerationAsync"/>.
    /// </summary>
    private async Task<List<AIContent>> DownloadAsync(ImageGeneration generation, CancellationToken cancellationToken)
    {
        var contents = new List<AIContent>(generation.Images.Count);
        for (var i = 0; i < generation.Images.Count; i++)
        {
            var image = generation.Images[i];
            using var buffer = new MemoryStream();
            try
            {
                await _client.DownloadImageAsync(image, buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (ex is not GenerationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new GenerationCanceledException(
                    $"Downloading the images of generation '{generation.Id}' was canceled. The generation succeeded; fetch it again with GetGenerationAsync(\"{generation.Id}\").",
                    generation.Id,
                    ex,
                    cancellationToken);
            }
            catch (ObjectDisposedException ex)
            {
                // The client's own "nothing was sent" is about the download: the generation before it is paid for.
                throw new ClientDisposedException(
                    $"Generation '{generation.Id}' succeeded and is paid for, but the client was disposed before image {i + 1} of {generation.Images.Count} was downloaded. "
                    + $"Fetch it again with WaitForGenerationAsync(\"{generation.Id}\") on a client that is not disposed.",
                    statusCode: null,
                    errorCode: null,
                    generation.Id,
                    ex);
            }
            catch (GptImageHubException ex) when (ex.GenerationId is null)
            {
                // The SDK's GenerationId setter is internal, so the failure is wrapped to carry the id.
                throw new GptImageHubException(
                    $"Generation '{generation.Id}' succeeded and is paid for, but downloading image {i + 1} of {generation.Images.Count} failed: {ex.Message} "
                    + $"Fetch it again with WaitForGenerationAsync(\"{generation.Id}\").",
                    ex.StatusCode,
                    ex.ErrorCode,
                    generation.Id,
                    ex);
            }
            catch (Exception ex) when (ex is not GptImageHubException and not GenerationCanceledException)
            {
                // What the SDK passes on as it is (a defect of a consumer's handler on the download, or anything a
                // client that is not the SDK's throws) would otherwise leave without the paid job's id.
                throw new GptImageHubException(
                    $"Generation '{generation.Id}' succeeded and is paid for, but downloading image {i + 1} of {generation.Images.Count} failed ({ex.GetType().Name}: {ex.Message}). "
                    + $"Fetch it again with WaitForGenerationAsync(\"{generation.Id}\").",
                    statusCode: null,
                    errorCode: null,
                    generation.Id,
                    ex);
            }

            // The stream's own array, without a copy; disposing a MemoryStream leaves it intact.
            var bytes = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, checked((int)buffer.Length));
            var mediaType = ImageMediaTypes.FromBytes(bytes.Span, fallback: ImageMediaTypes.FromUrl(image.Url));
            contents.Add(new DataContent(bytes, mediaType)
            {
                Name = image.Id + ImageMediaTypes.ExtensionFor(mediaType),
                RawRepresentation = image,
            });
        }

        return contents;
    }

    /// <summary>Credits are not tokens: they go to <see cref="UsageDetails.AdditionalCounts"/> and every token count stays null.</summary>
    private static UsageDetails? ToUsage(GenerationUsage? usage) =>
        usage is null
            ? null
            : new UsageDetails { AdditionalCounts = new() { [GptImageHubClientExtensions.CreditsUsageKey] = usage.Credits } };
}
