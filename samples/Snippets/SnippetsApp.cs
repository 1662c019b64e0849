using GptImageHub.Emulator;
using GptImageHub.Sdk;

namespace GptImageHub.Samples.Snippets;

/// <summary>
/// <c>dotnet run --project samples/Snippets -- NAME [--emulator] [ARGS...]</c>: runs one snippet against the
/// service with <c>GPTIMAGEHUB_API_KEY</c>, or with <c>--emulator</c> against an emulator started in-process
/// (no key, no credits spent).
/// </summary>
internal static class SnippetsApp
{
    public const string EmulatorFlag = "--emulator";

    public static async Task<int> RunAsync(string[] args, TextWriter output, string? apiKey, string outputDirectory, CancellationToken cancellationToken)
    {
        var useEmulator = args.Contains(EmulatorFlag, StringComparer.Ordinal);
        var rest = args.Where(a => a != EmulatorFlag).ToList();
        if (rest.Count == 0 || rest[0] is "list" or "--help" or "-h")
        {
            WriteUsage(output);
            return rest.Count == 0 ? 2 : 0;
        }

        var snippet = SnippetCatalog.Find(rest[0]);
        if (snippet is null)
        {
            output.WriteLine($"Unknown snippet '{rest[0]}'.");
            WriteUsage(output);
            return 2;
        }

        if (!useEmulator && snippet.NeedsApiKey && string.IsNullOrWhiteSpace(apiKey))
        {
            output.WriteLine($"Set GPTIMAGEHUB_API_KEY to run '{snippet.Name}' against GPT Image Hub, or add {EmulatorFlag} to run it against a local emulator.");
            return 2;
        }

        GptImageHubEmulator? emulator = null;
        var options = new GptImageHubClientOptions { ApiKey = apiKey };
        if (useEmulator)
        {
            // Jobs stay queued and processing for a while, as on the real service (only shorter), so
            // the progress and error snippets have something to show.
            emulator = await GptImageHubEmulator.StartAsync(
                new EmulatorOptions { QueueDelay = TimeSpan.FromMilliseconds(300), ProcessingDelay = TimeSpan.FromSeconds(2) },
                cancellationToken);
            options.BaseAddress = emulator.BaseAddress;
            options.ApiKey = emulator.CreateApiKey(credits: 1000);
            options.Polling.InitialInterval = TimeSpan.FromMilliseconds(250);
            options.Polling.MaxInterval = TimeSpan.FromMilliseconds(500);
            output.WriteLine($"Using the local emulator at {emulator.BaseAddress}: no real credits are spent.");
        }

        try
        {
            using var client = new GptImageHubClient(options);
            await snippet.RunAsync(new SnippetContext(client, output, outputDirectory, rest.Skip(1).ToList(), cancellationToken));
            return 0;
        }
        catch (GptImageHubException ex)
        {
            // The snippets handle what they expect; anything else is reported, not hidden.
            output.WriteLine($"{snippet.Name} failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    private static void WriteUsage(TextWriter output)
    {
        output.WriteLine($"Usage: dotnet run --project samples/Snippets -- NAME [{EmulatorFlag}] [ARGS...]");
        output.WriteLine($"Without {EmulatorFlag}, GPTIMAGEHUB_API_KEY must be set (and GPTIMAGEHUB_BASE_URL for a service other than GPT Image Hub's, such as `gih emulator`). Snippets:");
        foreach (var snippet in SnippetCatalog.All)
        {
            output.WriteLine($"  {snippet.Name,-17} {snippet.Description}");
        }
    }
}
