using System.Net;
using GptImageHub.Cli.Progress;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Configuration;

/// <summary>A client for one run, over an <see cref="HttpClient"/> whose handler counts polls for the progress display.</summary>
internal sealed class HubConnection : IDisposable
{
    private readonly HttpClient _httpClient;
    private readonly GptImageHubClient _client;

    private HubConnection(HttpClient httpClient, GptImageHubClient client, PollCountingHandler polls, ConnectionSettings settings)
    {
        _httpClient = httpClient;
        _client = client;
        PollCounter = polls;
        Settings = settings;
    }

    public IGptImageHubClient Client => _client;

    public PollCountingHandler PollCounter { get; }

    /// <summary>
    /// Submits a generation that <paramref name="stop"/> stops before its POST is sent, or before any retry, but never
    /// once sent: the answer of a POST on the wire names the job it may have paid for.
    /// </summary>
    public Task<GenerationOperation> StartUnlessStoppedAsync(ImageGenerationRequest request, CancellationToken stop) =>
        _client.StartImageGenerationAsync(request, CancellationToken.None, stopBeforeSending: stop);

    public ConnectionSettings Settings { get; }

    /// <summary>Creates the client.</summary>
    /// <exception cref="ArgumentException">The SDK refused a setting, such as plain http to a host that is not loopback.</exception>
    public static HubConnection Open(ConnectionSettings settings, Action<GptImageHubClientOptions>? configure)
    {
        // The SDK names the key's source in its refusals (a stray space, a non-ASCII character): the place gih read it
        // from, not the SDK property a gih user never set.
        var options = new GptImageHubClientOptions { ApiKey = settings.ApiKey, BaseAddress = settings.BaseAddress, ApiKeySetting = settings.ApiKeySource };
        configure?.Invoke(options);

        var polls = new PollCountingHandler(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        });

        // The SDK bounds every call itself; HttpClient's own 100 s limit would cut long waits short.
        var http = new HttpClient(polls, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            return new HubConnection(http, new GptImageHubClient(http, options), polls, settings);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _httpClient.Dispose();
    }
}
