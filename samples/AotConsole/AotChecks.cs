using GptImageHub.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GptImageHub.Samples.AotConsole;

/// <summary>
/// Real calls through every part of the SDK that trimming could break: JSON (source-generated)
/// both ways, multipart uploads, error mapping, polling, downloads, and the DI path with its
/// source-generated configuration binder and options validator.
/// </summary>
internal static class AotChecks
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static async Task RunAsync(Uri baseAddress, string apiKey, TextWriter output)
    {
        var options = new GptImageHubClientOptions { BaseAddress = baseAddress, ApiKey = apiKey };
        options.Polling.InitialInterval = TimeSpan.FromMilliseconds(100);
        options.Polling.MaxInterval = TimeSpan.FromMilliseconds(250);
        using var client = new GptImageHubClient(options);

        var models = await client.GetModelsAsync();
        var gpt = models.FirstOrDefault(m => m.Id == "gpt-image-2") ?? throw Wrong("no gpt-image-2 in /models");
        Check(gpt.CreditsPerImage.TryGetValue("1K", out var price) && price > 0, "gpt-image-2 has no 1K price");
        output.WriteLine($"models: {models.Count}, gpt-image-2 1K = {price} credits");

        var before = await client.GetCreditsAsync();
        output.WriteLine($"credits: {before.Credits} ({before.AccountType})");

        // Polling, with progress: submit, then wait.
        var operation = await client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "an AOT-compiled fox") { Size = ImageSize.Square1024 });
        var seen = new List<GenerationStatus>();
        var generation = await operation.WaitForCompletionAsync(new Recorder(seen));
        Check(generation.Status == GenerationStatus.Succeeded && generation.Images.Count == 1, $"generation ended {generation.Status} with {generation.Images.Count} images");
        Check(seen.Count > 0 && seen[^1] == GenerationStatus.Succeeded, "progress never reported succeeded");
        output.WriteLine($"generate: {generation.Id} {string.Join(" -> ", seen)}, {generation.Usage?.Credits} credits");

        // Download into memory and to disk.
        using var image = new MemoryStream();
        await client.DownloadImageAsync(generation.Images[0], image);
        var bytes = image.ToArray();
        Check(bytes.AsSpan().StartsWith(PngSignature), "the download is not a PNG");
        var directory = Directory.CreateTempSubdirectory("gih-aot-").FullName;
        try
        {
            var saved = await client.SaveImagesAsync(generation, directory);
            Check(saved.Count == 1 && new FileInfo(saved[0]).Length == bytes.Length, "SaveImagesAsync wrote the wrong file");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        output.WriteLine($"download: {bytes.Length} byte PNG, saved to disk too");

        // Multipart: the downloaded image back as a reference image.
        var edited = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "the same fox, in snow")
        {
            ReferenceImages = { ReferenceImage.FromBytes(bytes, "fox.png") },
        });
        Check(edited.Status == GenerationStatus.Succeeded, "the reference-image generation failed");
        output.WriteLine($"reference image: {edited.Id} succeeded");

        // Error mapping: the service's JSON error becomes the typed exception.
        try
        {
            await client.GenerateImageAsync(new ImageGenerationRequest("no-such-model", "x"));
            throw Wrong("an unknown model was accepted");
        }
        catch (InvalidRequestException ex)
        {
            output.WriteLine($"errors: {ex.GetType().Name} {ex.ErrorCode}");
        }

        var after = await client.GetCreditsAsync();
        Check(after.Credits == before.Credits - (2 * price), $"credits went from {before.Credits} to {after.Credits}, expected -{2 * price}");

        await CheckDependencyInjectionAsync(baseAddress, apiKey, after.Credits, output);
    }

    private static async Task CheckDependencyInjectionAsync(Uri baseAddress, string apiKey, long expectedCredits, TextWriter output)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GptImageHub:BaseAddress"] = baseAddress.ToString(),
                ["GptImageHub:ApiKey"] = apiKey,
                ["GptImageHub:MaxRetries"] = "2",
                ["GptImageHub:Polling:Timeout"] = "00:05:00",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddGptImageHub(configuration.GetSection("GptImageHub"));
        await using (var provider = services.BuildServiceProvider(validateScopes: true))
        {
            // What a host does at start for ValidateOnStart.
            provider.GetRequiredService<IStartupValidator>().Validate();
            var bound = provider.GetRequiredService<IOptions<GptImageHubClientOptions>>().Value;
            Check(bound.MaxRetries == 2 && bound.Polling.Timeout == TimeSpan.FromMinutes(5) && bound.BaseAddress == baseAddress, "the configuration did not bind");
            var hub = provider.GetRequiredService<IGptImageHubClient>();
            var balance = await hub.GetCreditsAsync();
            Check(balance.Credits == expectedCredits, $"the DI client read {balance.Credits} credits, expected {expectedCredits}");
        }

        // And a bad setting stops the start, as the validator promises.
        var invalid = new ServiceCollection();
        invalid.AddGptImageHub(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GptImageHub:MaxRetries"] = "99" })
            .Build()
            .GetSection("GptImageHub"));
        await using (var provider = invalid.BuildServiceProvider())
        {
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
                throw Wrong("MaxRetries = 99 passed validation");
            }
            catch (OptionsValidationException ex)
            {
                Check(ex.Message.Contains("MaxRetries", StringComparison.Ordinal), $"unexpected validation message: {ex.Message}");
            }
        }

        output.WriteLine("DI: AddGptImageHub(section) bound, validated at start, called; MaxRetries = 99 refused");
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw Wrong(failure);
        }
    }

    private static InvalidOperationException Wrong(string failure) => new($"AOT smoke failed: {failure}");

    /// <summary>Records the statuses on the waiting thread, in order.</summary>
    private sealed class Recorder(List<GenerationStatus> seen) : IProgress<ImageGeneration>
    {
        public void Report(ImageGeneration value) => seen.Add(value.Status);
    }
}
