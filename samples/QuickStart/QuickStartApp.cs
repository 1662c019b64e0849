using System.Diagnostics;
using System.Globalization;
using System.Net;
using GptImageHub.Emulator;
using GptImageHub.Sdk;

namespace GptImageHub.Samples.QuickStart;

/// <summary>
/// The README's first command: list models, show the balance, generate one image for the prompt
/// with a progress line, save it under ./output/. With no API key it runs against the built-in
/// emulator, so it works offline and costs nothing; with one it takes the key and the address as the
/// SDK does (GPTIMAGEHUB_API_KEY, GPTIMAGEHUB_BASE_URL, else the public service).
/// </summary>
/// <remarks>
/// A failure prints one line (<c>quickstart: ...</c>) on <c>error</c> and exits with the code gih uses
/// for it: 1 other, 2 bad request, 3 key refused, 4 not enough credits, 5 not found, 6 generation
/// failed, 7 timed out, 8 service unreachable, 9 other service error, 130 Ctrl+C.
/// </remarks>
internal static class QuickStartApp
{
    public const string DefaultPrompt = "A cinematic product photo of a transparent perfume bottle on black marble";

    public static Task<int> RunAsync(string[] args, TextWriter output, string? apiKey, string outputDirectory, CancellationToken cancellationToken) =>
        RunAsync(args, output, output, apiKey, outputDirectory, cancellationToken);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, string? apiKey, string outputDirectory, CancellationToken cancellationToken)
    {
        var prompt = args.Length > 0 ? string.Join(' ', args) : DefaultPrompt;
        GptImageHubEmulator? emulator = null;
        var options = new GptImageHubClientOptions { ApiKey = apiKey };
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            // A short queue and render time, so the progress line has something to show.
            emulator = await GptImageHubEmulator.StartAsync(
                new EmulatorOptions { QueueDelay = TimeSpan.FromMilliseconds(600), ProcessingDelay = TimeSpan.FromSeconds(1.5) },
                cancellationToken);
            options.ApiKey = emulator.CreateApiKey(credits: 100);
            options.BaseAddress = emulator.BaseAddress;
            options.Polling.InitialInterval = TimeSpan.FromMilliseconds(500);
            options.Polling.MaxInterval = TimeSpan.FromSeconds(1);
            output.WriteLine($"No GPTIMAGEHUB_API_KEY set: using the built-in emulator at {emulator.BaseAddress} (no real credits are spent).");
        }

        try
        {
            using var client = new GptImageHubClient(options);
            return await GenerateAsync(client, prompt, output, outputDirectory, cancellationToken);
        }
        catch (Exception ex) when (ExitCodeOf(ex) is { } exitCode)
        {
            var id = (ex as GptImageHubException)?.GenerationId;
            error.WriteLine($"quickstart: {OneLine(ex)}" + (id is null ? string.Empty : $" (generation {id}: read it later with WaitForGenerationAsync(\"{id}\"))"));
            return exitCode;
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    private static async Task<int> GenerateAsync(GptImageHubClient client, string prompt, TextWriter output, string outputDirectory, CancellationToken cancellationToken)
    {
        output.WriteLine("Models:");
        foreach (var model in await client.GetModelsAsync(cancellationToken))
        {
            var prices = string.Join(", ", model.CreditsPerImage.Select(p => $"{p.Key}: {p.Value}"));
            output.WriteLine($"  {model.Id,-14} {model.Provider,-8} tiers {string.Join('/', model.Qualities),-10} credits {prices}");
        }

        var balance = await client.GetCreditsAsync(cancellationToken);
        output.WriteLine($"Balance: {balance.Credits} credits ({balance.AccountType})");
        output.WriteLine($"Generating: \"{prompt}\"");

        var request = new ImageGenerationRequest("gpt-image-2", prompt) { Size = ImageSize.Square1024, Quality = ImageQuality.Tier1K, N = 1 };
        var operation = await client.StartImageGenerationAsync(request, cancellationToken);
        output.WriteLine($"Submitted generation {operation.Id}");

        var stopwatch = Stopwatch.StartNew();
        ImageGeneration generation;
        try
        {
            generation = await operation.WaitForCompletionAsync(
                new InlineProgress(g => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{stopwatch.Elapsed.TotalSeconds,5:0.0}s] {g.Status}"))),
                cancellationToken);
        }
        catch (GenerationCanceledException ex)
        {
            output.WriteLine($"Stopped waiting. The job keeps running: resume it with WaitForGenerationAsync(\"{ex.GenerationId}\").");
            return 130;
        }

        var paths = await client.SaveImagesAsync(generation, outputDirectory, cancellationToken);
        foreach (var path in paths)
        {
            output.WriteLine($"Saved {path}");
        }

        output.WriteLine($"Credits used: {generation.Usage?.Credits ?? 0}");
        return 0;
    }

    /// <summary>The exit code gih uses for a failure, or null for a bug, which should crash loudly.</summary>
    internal static int? ExitCodeOf(Exception exception) => exception switch
    {
        OperationCanceledException => 130,
        InvalidRequestException or ReferenceImageException or ArgumentException => 2,
        UnauthorizedException or MissingApiKeyException => 3,
        InsufficientCreditsException or CreditLimitExceededException => 4,
        NotFoundException { GenerationId: null } => 2,   // no generation asked for: the models or credits path is missing, so the address is wrong
        GptImageHubException { StatusCode: HttpStatusCode.NotFound, GenerationId: null } => 2,   // the same, from a web page's or a proxy's 404, not the service's JSON
        NotFoundException => 5,
        GenerationFailedException => 6,
        GenerationTimeoutException => 7,
        GptImageHubConnectionException => 8,
        GptImageHubException => 9,
        IOException or UnauthorizedAccessException => 1,
        _ => null,
    };

    private static string OneLine(Exception exception)
    {
        // An ArgumentException's message ends with " (Parameter 'request')" and, out of range, "Actual value was 9.": noise for a user.
        var message = exception.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        return exception is ArgumentException { ParamName: { } name } ? message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : message;
    }

    /// <summary>Reports on the caller's thread, so lines appear in order before the wait returns.</summary>
    private sealed class InlineProgress(Action<ImageGeneration> report) : IProgress<ImageGeneration>
    {
        public void Report(ImageGeneration value) => report(value);
    }
}
