using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class ListModelsSnippet
{
    /// <summary>The model list is data, not an enum: new models appear here without an SDK update.</summary>
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, CancellationToken cancellationToken)
    {
        IReadOnlyList<ImageModel> models = await client.GetModelsAsync(cancellationToken);
        foreach (var model in models)
        {
            var prices = string.Join(", ", model.CreditsPerImage.Select(p => $"{p.Key}: {p.Value}"));
            output.WriteLine($"{model.Id} ({model.Provider}): tiers {string.Join('/', model.Qualities)}, "
                + $"up to {model.ReferenceImageLimit} reference images, credits per image {prices}");
        }
    }
}
