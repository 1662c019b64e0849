using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class ReferenceImagesSnippet
{
    /// <summary>
    /// Reference images go up as multipart parts, streamed from disk (<see cref="ReferenceImage.FromFile"/>)
    /// or from memory (<see cref="ReferenceImage.FromBytes"/>); PNG, JPEG or WebP, 50 MB at most each.
    /// </summary>
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var request = new ImageGenerationRequest("gpt-image-2", "The same bottle, standing in fresh snow at dawn") { Size = ImageSize.Square1024 };
        foreach (var file in files)
        {
            request.ReferenceImages.Add(ReferenceImage.FromFile(file));
        }

        if (request.ReferenceImages.Count == 0)
        {
            // Nothing given on the command line: iterate on a fresh image instead.
            output.WriteLine("No reference file given: generating one first.");
            var first = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "A perfume bottle on black marble"), cancellationToken);
            using var bytes = new MemoryStream();
            await client.DownloadImageAsync(first.Images[0], bytes, cancellationToken);
            request.ReferenceImages.Add(ReferenceImage.FromBytes(bytes.ToArray(), "bottle.png"));
        }

        ImageGeneration generation = await client.GenerateImageAsync(request, cancellationToken);

        output.WriteLine($"Generated {generation.Id} from {request.ReferenceImages.Count} reference image(s): {generation.Images[0].Url}");
    }
}
