using GptImageHub.Emulator;
using GptImageHub.Sdk.Extensions.AI;
using Microsoft.Extensions.AI;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

/// <summary>
/// A fresh emulator per test and the real SDK client over loopback HTTP, wrapped by the adapter.
/// Polling starts after 10 ms instead of the SDK's 2 s, so async jobs end within a few polls.
/// </summary>
public abstract class ExtensionsAITestBase : IAsyncLifetime
{
    private HttpClient _http = null!;

    protected GptImageHubEmulator Hub { get; private set; } = null!;

    /// <summary>A key with 100 credits, created for every test.</summary>
    protected string Key { get; private set; } = null!;

    internal CapturingHandler Wire { get; private set; } = null!;

    protected GptImageHubClient Client { get; private set; } = null!;

    /// <summary>The adapter over <see cref="Client"/> with the default model, gpt-image-2.</summary>
    protected IImageGenerator Generator { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Hub = await GptImageHubEmulator.StartAsync(CreateEmulatorOptions(), Ct);
        Key = Hub.CreateApiKey(credits: 100);
        Wire = new CapturingHandler();
        _http = new HttpClient(Wire) { Timeout = Timeout.InfiniteTimeSpan };
        Client = CreateClient(Key);
        Generator = Client.AsIImageGenerator();
    }

    public async ValueTask DisposeAsync()
    {
        Generator.Dispose();
        Client.Dispose();
        _http.Dispose();
        await Hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual EmulatorOptions CreateEmulatorOptions() => new();

    /// <summary>A client over the capturing handler with another key, for the error tests.</summary>
    protected GptImageHubClient CreateClient(string apiKey) => new(_http, new GptImageHubClientOptions
    {
        ApiKey = apiKey,
        BaseAddress = Hub.BaseAddress,
        Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(50), UseJitter = false },
    });

    protected static ImageGeneration Raw(ImageGenerationResponse response) => Assert.IsType<ImageGeneration>(response.RawRepresentation);

    /// <summary>Waits, briefly and boundedly, for work that happens on other threads.</summary>
    protected static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 seconds.");
            await Task.Delay(5, Ct);
        }
    }
}
