using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

internal static class DownloadSnippet
{
    /// <summary>The images live on a CDN; the SDK fetches them without sending your API key there.</summary>
    internal static async Task RunAsync(IGptImageHubClient client, TextWriter output, string directory, CancellationToken cancellationToken)
    {
        var generation = await client.GenerateImageAsync(
            new ImageGenerationRequest("gpt-image-2", "Two variations of a minimalist fox logo") { N = 2 },
            cancellationToken);

        // Every image to disk, as {generation id}-{n}.png; a failed download leaves no half file.
        IReadOnlyList<string> paths = await client.SaveImagesAsync(generation, directory, cancellationToken);
        foreach (var path in paths)
        {
            output.WriteLine($"Saved {path} ({new FileInfo(path).Length} bytes)");
        }

        // Or one image into any stream: a blob upload, an HTTP response...
        using var buffer = new MemoryStream();
        await client.DownloadImageAsync(generation.Images[0], buffer, cancellationToken);
        output.WriteLine($"Streamed {generation.Images[0].Id}: {buffer.Length} bytes");
    }
}
