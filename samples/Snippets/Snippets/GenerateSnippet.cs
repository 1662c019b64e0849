using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class GenerateSnippet
{
    /// <summary>One call: submits the job, polls until it ends (up to 20 minutes) and returns the images.</summary>
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, CancellationToken cancellationToken)
    {
        var request = new ImageGenerationRequest("gpt-image-2", "A cinematic product photo of a perfume bottle on black marble")
        {
            Size = ImageSize.Square1024,
            Quality = ImageQuality.High,
        };

        ImageGeneration generation = await client.GenerateImageAsync(request, cancellationToken);

        output.WriteLine($"Generation {generation.Id}: {generation.Status}, {generation.Usage?.Credits} credits");
        foreach (var image in generation.Images)
        {
            output.WriteLine($"  {image.Url}");
        }
    }
}
