using System.ClientModel;
using System.ClientModel.Primitives;
using GptImageHub.Sdk.Benchmarks.Peers;
using GptImageHub.Sdk.Benchmarks.Wire;
using OpenAI;
using OpenAI.Images;
using Refit;

namespace GptImageHub.Sdk.Benchmarks.PerCall;

/// <summary>Builds each library's client over its own <see cref="CannedHandler"/>, with the settings a caller gets by default.</summary>
public static class Clients
{
    /// <summary>
    /// The poll interval in the polling benchmarks. One tick rounds down to 0 ms, so
    /// <c>Task.Delay(interval, TimeProvider.System)</c> completes without a timer and the
    /// benchmark measures the polling loop, not the clock; every library waits the same way.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromTicks(1);

    public static HttpClient Http(HttpMessageHandler handler, Uri? baseAddress = null) =>
        new(handler) { Timeout = Timeout.InfiniteTimeSpan, BaseAddress = baseAddress };

    public static GptImageHubClient Sdk(HttpMessageHandler handler, GenerationMode mode = GenerationMode.Polling) =>
        new(Http(handler), new GptImageHubClientOptions
        {
            ApiKey = SeedBodies.ApiKey,
            BaseAddress = SeedBodies.BaseAddress,
            GenerationMode = mode,
            MaxRetries = int.Parse(Environment.GetEnvironmentVariable("BENCH_RETRIES") ?? "3", System.Globalization.CultureInfo.InvariantCulture),
            RequestTimeout = Environment.GetEnvironmentVariable("BENCH_TIMEOUT") == "inf" ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(100),
            Polling = new PollingOptions { InitialInterval = PollInterval, MaxInterval = PollInterval, UseJitter = false },
        });

    public static RawClient<RawGeneration, RawCredits, RawModelList> Raw(HttpMessageHandler handler) => RawClient.Create(Http(handler), SeedBodies.BaseAddress, SeedBodies.ApiKey);

    public static RawClient<RawFullGeneration, RawFullCredits, RawFullModelList> RawFull(HttpMessageHandler handler) => RawClient.Full(Http(handler), SeedBodies.BaseAddress, SeedBodies.ApiKey);

    public static IRefitGptImageHubApi Refit(HttpMessageHandler handler) =>
        RestService.ForGenerated<IRefitGptImageHubApi>(Http(handler, SeedBodies.BaseAddress), RawJsonContext.Default);

    public static ImageClient OpenAI(HttpMessageHandler handler) =>
        new("gpt-image-1", new ApiKeyCredential("sk-benchmark"), new OpenAIClientOptions
        {
            Endpoint = new Uri("https://api.openai.com/v1"),
            Transport = new HttpClientPipelineTransport(Http(handler)),
        });

    public static ImageGenerationRequest SdkRequest() =>
        new("gpt-image-2", "A perfume bottle on black marble") { Size = ImageSize.Square1024, Quality = ImageQuality.High };

    public static RawGenerationRequest RawRequest(bool submitAsync) =>
        new() { Model = "gpt-image-2", Prompt = "A perfume bottle on black marble", Size = "1024x1024", Quality = "high", Async = submitAsync ? true : null };

    public static ImageGenerationOptions OpenAIOptions() =>
        new() { Size = GeneratedImageSize.W1024xH1024, Quality = GeneratedImageQuality.High };
}
