using System.Text.Json;
using GptImageHub.Sdk.Polling;

namespace GptImageHub.Sdk;

/// <summary>
/// Builds the SDK's response types for tests that mock <see cref="IGptImageHubClient"/>, including
/// the parts a caller cannot set directly (unknown fields, a <see cref="GenerationOperation"/>).
/// </summary>
public static class GptImageHubModelFactory
{
    /// <summary>Builds a generation snapshot.</summary>
    /// <param name="id">The generation id.</param>
    /// <param name="status">The job's state; defaults to <see cref="GenerationStatus.Succeeded"/>.</param>
    /// <param name="model">The model id.</param>
    /// <param name="images">The saved images.</param>
    /// <param name="usage">The credits used.</param>
    /// <param name="balance">The balance after the job.</param>
    /// <param name="aspectRatio">The aspect ratio.</param>
    /// <param name="quality">The quality or tier.</param>
    /// <param name="createdAt">When the job was created.</param>
    /// <param name="pollUrl">The polling address.</param>
    /// <param name="additionalProperties">Fields the SDK does not model.</param>
    /// <returns>The snapshot.</returns>
    public static ImageGeneration ImageGeneration(
        string id,
        GenerationStatus? status = null,
        string? model = null,
        IEnumerable<GeneratedImage>? images = null,
        GenerationUsage? usage = null,
        CreditBalance? balance = null,
        string? aspectRatio = null,
        string? quality = null,
        DateTimeOffset? createdAt = null,
        Uri? pollUrl = null,
        IDictionary<string, JsonElement>? additionalProperties = null) =>
        new()
        {
            Id = id,
            Status = status ?? GenerationStatus.Succeeded,
            Model = model,
            Images = images?.ToList() ?? [],
            Usage = usage,
            Balance = balance,
            AspectRatio = aspectRatio,
            Quality = quality,
            CreatedAt = createdAt,
            PollUrl = pollUrl,
            ExtensionData = Copy(additionalProperties),
        };

    /// <summary>Builds a saved image.</summary>
    /// <param name="id">The image id.</param>
    /// <param name="url">Where it can be downloaded.</param>
    /// <param name="createdAt">When it was saved.</param>
    /// <returns>The image.</returns>
    public static GeneratedImage GeneratedImage(string id, Uri url, DateTimeOffset? createdAt = null) =>
        new() { Id = id, Url = url, CreatedAt = createdAt };

    /// <summary>Builds a usage record.</summary>
    /// <param name="credits">The credits charged.</param>
    /// <param name="creditsRequested">The credits held by an unfinished job.</param>
    /// <returns>The usage.</returns>
    public static GenerationUsage GenerationUsage(int credits, int? creditsRequested = null) =>
        new() { Credits = credits, CreditsRequested = creditsRequested };

    /// <summary>Builds a balance.</summary>
    /// <param name="credits">The credits available.</param>
    /// <param name="accountType">The account type.</param>
    /// <param name="nextExpiration">When the next credits expire.</param>
    /// <param name="additionalProperties">Fields the SDK does not model.</param>
    /// <returns>The balance.</returns>
    public static CreditBalance CreditBalance(long credits, string? accountType = null, DateTimeOffset? nextExpiration = null, IDictionary<string, JsonElement>? additionalProperties = null) =>
        new() { Credits = credits, AccountType = accountType, NextExpiration = nextExpiration, ExtensionData = Copy(additionalProperties) };

    /// <summary>Builds a model description.</summary>
    /// <param name="id">The model id.</param>
    /// <param name="name">The display name.</param>
    /// <param name="provider">The provider.</param>
    /// <param name="aspectRatios">The supported aspect ratios.</param>
    /// <param name="qualities">The supported qualities or tiers.</param>
    /// <param name="referenceImageLimit">How many reference images a request may carry.</param>
    /// <param name="creditsPerImage">Credits per image by tier.</param>
    /// <returns>The model.</returns>
    public static ImageModel ImageModel(
        string id,
        string? name = null,
        string? provider = null,
        IEnumerable<string>? aspectRatios = null,
        IEnumerable<string>? qualities = null,
        int? referenceImageLimit = null,
        IDictionary<string, int>? creditsPerImage = null) =>
        new()
        {
            Id = id,
            Name = name,
            Provider = provider,
            AspectRatios = aspectRatios?.ToList() ?? [],
            Qualities = qualities?.ToList() ?? [],
            ReferenceImageLimit = referenceImageLimit,
            CreditsPerImage = creditsPerImage is null ? new Dictionary<string, int>() : new Dictionary<string, int>(creditsPerImage, StringComparer.Ordinal),
        };

    /// <summary>
    /// Builds an operation that needs no service: <see cref="GenerationOperation.UpdateStatusAsync"/>
    /// and <see cref="GenerationOperation.WaitForCompletionAsync"/> move it to <paramref name="final"/>
    /// (a <c>failed</c> final state makes the wait throw <see cref="GenerationFailedException"/>).
    /// </summary>
    /// <param name="current">The snapshot the operation starts with.</param>
    /// <param name="final">The snapshot it ends with; defaults to <paramref name="current"/>.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is null.</exception>
    public static GenerationOperation GenerationOperation(ImageGeneration current, ImageGeneration? final = null)
    {
        if (current is null)
        {
            throw new ArgumentNullException(nameof(current));
        }

        return new GenerationOperation(current, new FixedGenerationSource(final ?? current));
    }

    private static Dictionary<string, JsonElement>? Copy(IDictionary<string, JsonElement>? values) =>
        values is null or { Count: 0 } ? null : new Dictionary<string, JsonElement>(values, StringComparer.Ordinal);
}
