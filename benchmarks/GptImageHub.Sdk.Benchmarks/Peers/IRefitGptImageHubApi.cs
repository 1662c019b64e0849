using Refit;

namespace GptImageHub.Sdk.Benchmarks.Peers;

/// <summary>The same four endpoints as a Refit interface, reading the same DTOs as the raw client.</summary>
public interface IRefitGptImageHubApi
{
    [Get("/api/v1/generations/{id}")]
    Task<RawGeneration> GetGenerationAsync(string id, [Authorize] string apiKey, CancellationToken cancellationToken);

    [Get("/api/v1/credits")]
    Task<RawCredits> GetCreditsAsync([Authorize] string apiKey, CancellationToken cancellationToken);

    [Get("/api/v1/models")]
    Task<RawModelList> GetModelsAsync(CancellationToken cancellationToken);

    [Post("/api/v1/images/generations")]
    Task<RawGeneration> CreateGenerationAsync([Body] RawGenerationRequest request, [Authorize] string apiKey, CancellationToken cancellationToken);
}
