using System.Diagnostics;
using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class ProgressSnippet
{
    /// <summary>
    /// Submits first and waits second, so the job's id is known (and can be stored) before the
    /// long wait: a job is paid for once submitted, and any process can resume it by id.
    /// </summary>
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, CancellationToken cancellationToken)
    {
        var request = new ImageGenerationRequest("gpt-image-2", "A watercolour map of an imaginary island") { Size = ImageSize.Landscape1536x1024 };

        GenerationOperation operation = await client.StartImageGenerationAsync(request, cancellationToken);
        output.WriteLine($"Submitted {operation.Id} ({operation.Value.Status})");

        var clock = Stopwatch.StartNew();
        var progress = new InlineProgress<ImageGeneration>(g => output.WriteLine($"  after {clock.Elapsed.TotalSeconds:0.0} s: {g.Status}"));
        ImageGeneration generation = await operation.WaitForCompletionAsync(progress, cancellationToken);

        output.WriteLine($"Done: {generation.Images.Count} image(s), {generation.Usage?.Credits} credits");
    }
}
