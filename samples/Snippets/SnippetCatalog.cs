using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

/// <summary>What a snippet may use: the client, where to write, and the arguments after its name.</summary>
internal sealed record SnippetContext(
    IGptImageHubClient Client, TextWriter Output, string OutputDirectory, IReadOnlyList<string> Arguments, CancellationToken CancellationToken);

/// <summary>A snippet, by the name it is run with.</summary>
internal sealed record Snippet(string Name, string Description, Func<SnippetContext, Task> RunAsync, bool NeedsApiKey = true);

/// <summary>Every snippet. Each one is a short static method in <c>Snippets/</c> that uses only the SDK.</summary>
internal static class SnippetCatalog
{
    public static IReadOnlyList<Snippet> All { get; } =
    [
        new("models", "list the models, their tiers and prices (no key needed)",
            c => ListModelsSnippet.RunAsync(c.Client, c.Output, c.CancellationToken), NeedsApiKey: false),
        new("credits", "show the credit balance",
            c => CreditsSnippet.RunAsync(c.Client, c.Output, c.CancellationToken)),
        new("generate", "generate an image and print its URL",
            c => GenerateSnippet.RunAsync(c.Client, c.Output, c.CancellationToken)),
        new("progress", "submit, keep the id, then wait with progress reports",
            c => ProgressSnippet.RunAsync(c.Client, c.Output, c.CancellationToken)),
        new("reference-images", "generate from reference images [FILE...]",
            c => ReferenceImagesSnippet.RunAsync(c.Client, c.Output, c.Arguments, c.CancellationToken)),
        new("download", "generate two images and save them under ./output",
            c => DownloadSnippet.RunAsync(c.Client, c.Output, c.OutputDirectory, c.CancellationToken)),
        new("errors", "catch the typed exceptions; resume a paid job by its id",
            c => ErrorHandlingSnippet.RunAsync(c.Client, c.Output, c.CancellationToken)),
    ];

    public static Snippet? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
