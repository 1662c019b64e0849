using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace GptImageHub.Sdk.Extensions.AI;

/// <summary>
/// Exposes an <see cref="IGptImageHubClient"/> as a Microsoft.Extensions.AI <see cref="IImageGenerator"/>.
/// Experimental with the same id as <see cref="IImageGenerator"/> itself (<c>MEAI001</c>), because
/// the abstraction it implements may still change.
/// </summary>
[Experimental(ExperimentalDiagnosticId, UrlFormat = "https://aka.ms/dotnet-extensions-warnings/{0}")]
public static class GptImageHubClientExtensions
{
    /// <summary>The provider name that <see cref="ImageGeneratorMetadata.ProviderName"/> reports.</summary>
    public const string ProviderName = "gptimagehub";

    /// <summary>
    /// The key in <see cref="UsageDetails.AdditionalCounts"/> that holds the credits a generation
    /// was charged. Credits are not tokens, so the token counts of the usage stay null.
    /// </summary>
    public const string CreditsUsageKey = "gptimagehub.credits";

    private const string ExperimentalDiagnosticId = "MEAI001";

    /// <summary>
    /// Wraps the client in an <see cref="IImageGenerator"/> whose default model is the client's own
    /// <see cref="GptImageHubClientOptions.DefaultModel"/> (set in code or configuration; another
    /// implementation of <see cref="IGptImageHubClient"/> has none, so every call names its model).
    /// The generator does not own the client: disposing it leaves the client open.
    /// </summary>
    /// <param name="client">The client that sends the requests.</param>
    /// <returns>A generator that sends each request through <paramref name="client"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public static IImageGenerator AsIImageGenerator(this IGptImageHubClient client) =>
        AsIImageGenerator(client, (client ?? throw new ArgumentNullException(nameof(client))) is GptImageHubClient sdk ? sdk.DefaultModel : null);

    /// <summary>
    /// Wraps the client in an <see cref="IImageGenerator"/>. The generator does not own the client:
    /// disposing it leaves the client open, and one client may back many generators.
    /// </summary>
    /// <param name="client">The client that sends the requests.</param>
    /// <param name="defaultModelId">The model used when <see cref="ImageGenerationOptions.ModelId"/> is not set; null makes the model id required on every call.</param>
    /// <returns>A generator that sends each request through <paramref name="client"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    public static IImageGenerator AsIImageGenerator(this IGptImageHubClient client, string? defaultModelId)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        if (defaultModelId is not null && string.IsNullOrWhiteSpace(defaultModelId))
        {
            throw new ArgumentException("The default model id must not be empty; pass null to require a model id on every call.", nameof(defaultModelId));
        }

        return new GptImageHubImageGenerator(client, defaultModelId);
    }
}
