using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GptImageHub.Sdk.Benchmarks.Peers;

/// <summary>
/// The floor: what a careful caller writes by hand over <see cref="HttpClient"/>. One request, a
/// bearer header, a source-generated reader over the response stream, and nothing else: no
/// timeout of its own, no retries, no telemetry, no validation, no typed errors. The DTOs it reads
/// into are its type arguments: the four fields a caller acts on (<see cref="RawClient"/>), or every
/// field the SDK returns (<see cref="RawClient.Full"/>).
/// </summary>
public sealed class RawClient<TGeneration, TCredits, TModelList>
    where TGeneration : class, IRawGeneration
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly string _authorization;
    private readonly JsonTypeInfo<TGeneration> _generation;
    private readonly JsonTypeInfo<TCredits> _credits;
    private readonly JsonTypeInfo<TModelList> _models;

    public RawClient(HttpClient http, Uri baseAddress, string apiKey, JsonTypeInfo<TGeneration> generation, JsonTypeInfo<TCredits> credits, JsonTypeInfo<TModelList> models)
    {
        _http = http;
        _baseAddress = baseAddress;
        _authorization = "Bearer " + apiKey;
        _generation = generation;
        _credits = credits;
        _models = models;
    }

    public Task<TGeneration> GetGenerationAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync(new Uri(_baseAddress, "api/v1/generations/" + id), _generation, cancellationToken);

    public Task<TCredits> GetCreditsAsync(CancellationToken cancellationToken = default) =>
        GetAsync(new Uri(_baseAddress, "api/v1/credits"), _credits, cancellationToken);

    public Task<TModelList> GetModelsAsync(CancellationToken cancellationToken = default) =>
        GetAsync(new Uri(_baseAddress, "api/v1/models"), _models, cancellationToken);

    public async Task<TGeneration> CreateGenerationAsync(RawGenerationRequest body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseAddress, "api/v1/images/generations"));
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, RawJsonContext.Default.RawGenerationRequest));
        content.Headers.ContentType = Json;
        request.Content = content;
        return await SendAsync(request, _generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits asynchronously and polls the job's <c>poll_url</c> after each delay until it ends.</summary>
    public async Task<TGeneration> GenerateByPollingAsync(RawGenerationRequest body, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken = default)
    {
        body.Async = true;
        var generation = await CreateGenerationAsync(body, cancellationToken).ConfigureAwait(false);
        while (generation.Status is not ("succeeded" or "failed"))
        {
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            var poll = generation.PollUrl is { } url ? new Uri(url) : new Uri(_baseAddress, "api/v1/generations/" + generation.Id);
            generation = await GetAsync(poll, _generation, cancellationToken).ConfigureAwait(false);
        }

        return generation;
    }

    private async Task<T> GetAsync<T>(Uri uri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        return await SendAsync(request, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The body is JSON null.");
        }
    }
}

/// <summary>The raw client over the four-field DTOs, and its like-for-like twin over every field.</summary>
public static class RawClient
{
    public static RawClient<RawGeneration, RawCredits, RawModelList> Create(HttpClient http, Uri baseAddress, string apiKey) =>
        new(http, baseAddress, apiKey, RawJsonContext.Default.RawGeneration, RawJsonContext.Default.RawCredits, RawJsonContext.Default.RawModelList);

    public static RawClient<RawFullGeneration, RawFullCredits, RawFullModelList> Full(HttpClient http, Uri baseAddress, string apiKey) =>
        new(http, baseAddress, apiKey, RawFullJsonContext.Default.RawFullGeneration, RawFullJsonContext.Default.RawFullCredits, RawFullJsonContext.Default.RawFullModelList);
}
