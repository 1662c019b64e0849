using GptImageHub.Sdk;

namespace GptImageHub.Samples.WebApi;

/// <summary>The body of <c>POST /images</c>. Only <see cref="Prompt"/> is required.</summary>
/// <param name="Prompt">What to draw.</param>
/// <param name="Model">A model id from <c>GET /api/v1/models</c>; <c>gpt-image-2</c> when omitted.</param>
/// <param name="Size">An output size such as <c>1024x1024</c>; the service's default when omitted.</param>
/// <param name="N">How many images, 1 to 4; one when omitted.</param>
internal sealed record CreateImageRequest(string? Prompt, string? Model = null, string? Size = null, int? N = null);

/// <summary>A generation as this API returns it.</summary>
/// <param name="Id">The generation id: <c>GET /images/{id}</c> reads it again.</param>
/// <param name="Status">queued, processing, succeeded or failed.</param>
/// <param name="Images">The image URLs, once it succeeded.</param>
/// <param name="Credits">The credits it cost (0 until it ends).</param>
internal sealed record ImageResult(string Id, string Status, IReadOnlyList<Uri> Images, int? Credits)
{
    public static ImageResult From(ImageGeneration generation) =>
        new(generation.Id, generation.Status.ToString(), [.. generation.Images.Select(i => i.Url)], generation.Usage?.Credits);
}

/// <summary>
/// The endpoints. SDK failures are not caught here: <see cref="GptImageHubExceptionHandler"/> turns
/// them into problem details, so every endpoint answers errors the same way.
/// </summary>
internal static class ImagesApi
{
    public const string DefaultModel = "gpt-image-2";

    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder endpoints)
    {
        var images = endpoints.MapGroup("/images");
        images.MapPost("/", CreateAsync);
        images.MapGet("/{id}", GetAsync);
        return endpoints;
    }

    /// <summary>
    /// Generates and waits, up to the configured <c>GptImageHub:Polling:Timeout</c>. A longer job
    /// answers 504 with its id, and the caller polls <c>GET /images/{id}</c>: it is paid for, so it
    /// is never submitted twice.
    /// </summary>
    private static async Task<IResult> CreateAsync(CreateImageRequest body, IGptImageHubClient client, CancellationToken cancellationToken)
    {
        var request = new ImageGenerationRequest(body.Model ?? DefaultModel, body.Prompt ?? string.Empty)
        {
            Size = body.Size is null ? default(ImageSize?) : new ImageSize(body.Size),
            N = body.N,
        };

        var generation = await client.GenerateImageAsync(request, cancellationToken);
        return TypedResults.Ok(ImageResult.From(generation));
    }

    private static async Task<IResult> GetAsync(string id, IGptImageHubClient client, CancellationToken cancellationToken) =>
        TypedResults.Ok(ImageResult.From(await client.GetGenerationAsync(id, cancellationToken)));
}
