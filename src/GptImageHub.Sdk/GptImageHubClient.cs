using System.Globalization;
using System.Net;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Http;
using GptImageHub.Sdk.Polling;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Serialization;
using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk;

/// <summary>
/// The client for the GPT Image Hub API. Create one per process (or register it with
/// <c>AddGptImageHub</c>) and share it: it is thread-safe and reuses connections.
/// </summary>
public sealed class GptImageHubClient : IGptImageHubClient, IDisposable
{
    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly ClientCore _core;
    private readonly ClientSettings _settings;
    private readonly HttpPipeline _pipeline;
    private readonly GenerationPoller _poller;
    private readonly ILogger _logger;

    // Cancelled by Dispose: every call and wait still running ends with ClientDisposedException.
    // Never disposed itself, so a call that races Dispose can still read it.
    private readonly CancellationTokenSource _lifetime = new();

    /// <summary>
    /// Creates a client configured by the environment: the key in <c>GPTIMAGEHUB_API_KEY</c> and the
    /// address in <c>GPTIMAGEHUB_BASE_URL</c> (else the public service).
    /// </summary>
    /// <exception cref="ArgumentException"><c>GPTIMAGEHUB_BASE_URL</c> or <c>GPTIMAGEHUB_API_KEY</c> is malformed.</exception>
    public GptImageHubClient()
        : this(new GptImageHubClientOptions())
    {
    }

    /// <summary>Creates a client with an API key, for the address in <c>GPTIMAGEHUB_BASE_URL</c>, else the public service.</summary>
    /// <param name="apiKey">The API key, <c>gih_live_...</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is null, empty or malformed.</exception>
    public GptImageHubClient(string apiKey)
        : this(new GptImageHubClientOptions { ApiKey = RequireKey(apiKey) })
    {
    }

    /// <summary>Creates a client with its own connection pool.</summary>
    /// <param name="options">The settings; copied, so later changes do not affect this client.</param>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public GptImageHubClient(GptImageHubClientOptions options)
        : this(CreateHttpClient(), ownsHttpClient: true, new ClientCore(ClientSettings.Create(options), loggerFactory: null))
    {
    }

    /// <summary>Creates a client over an <see cref="HttpClient"/> the caller owns and disposes, such as one from <c>IHttpClientFactory</c>.</summary>
    /// <param name="httpClient">The client to send with. Its <see cref="HttpClient.BaseAddress"/> is ignored; set <see cref="GptImageHubClientOptions.BaseAddress"/>.</param>
    /// <param name="options">The settings; copied, so later changes do not affect this client.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// A setting is out of range, or <see cref="GenerationMode.ServerWait"/> is chosen while
    /// <paramref name="httpClient"/>'s <see cref="HttpClient.Timeout"/> would cut the server's wait short.
    /// </exception>
    public GptImageHubClient(HttpClient httpClient, GptImageHubClientOptions options)
        : this(httpClient, options, loggerFactory: null)
    {
    }

    /// <summary>Creates a client over an <see cref="HttpClient"/> the caller owns, logging through <paramref name="loggerFactory"/>.</summary>
    /// <param name="httpClient">The client to send with. Its <see cref="HttpClient.BaseAddress"/> is ignored; set <see cref="GptImageHubClientOptions.BaseAddress"/>.</param>
    /// <param name="options">The settings; copied, so later changes do not affect this client.</param>
    /// <param name="loggerFactory">Where the SDK logs requests, retries and generations (category <c>GptImageHub.Sdk</c>); null for no logging. The key is never logged, the prompt only at Trace.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// A setting is out of range, or <see cref="GenerationMode.ServerWait"/> is chosen while
    /// <paramref name="httpClient"/>'s <see cref="HttpClient.Timeout"/> would cut the server's wait short.
    /// </exception>
    public GptImageHubClient(HttpClient httpClient, GptImageHubClientOptions options, ILoggerFactory? loggerFactory)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), new ClientCore(ClientSettings.Create(options), loggerFactory))
    {
    }

    /// <summary>A client over a core shared with other clients of the same settings (one per DI client name).</summary>
    internal GptImageHubClient(HttpClient httpClient, ClientCore core)
        : this(httpClient, ownsHttpClient: false, core)
    {
        if (_settings.GenerationMode == GenerationMode.ServerWait
            && httpClient.Timeout != Timeout.InfiniteTimeSpan
            && (httpClient.Timeout < _settings.ServerWaitTimeout || _settings.ServerWaitTimeout == Timeout.InfiniteTimeSpan))
        {
            throw new ArgumentException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "httpClient.Timeout ({0:0.###} s) is shorter than ServerWaitTimeout ({1:0.###} s) and would cut server-side waits short. Set httpClient.Timeout = Timeout.InfiniteTimeSpan; the SDK bounds every call itself.",
                    httpClient.Timeout.TotalSeconds,
                    _settings.ServerWaitTimeout.TotalSeconds),
                nameof(httpClient));
        }
    }

    internal HttpClient HttpClient => _httpClient;

    /// <summary>Whether <see cref="Dispose"/> was called: the batch runner stops submitting rather than journal unsent items as unknown.</summary>
    internal bool IsDisposed => _lifetime.IsCancellationRequested;

    /// <summary>The settings, shared with code that runs over the public API (the batch runner) and should match this client.</summary>
    internal ClientSettings Settings => _settings;

    internal ILogger Logger => _logger;

    /// <summary>The core this client shares with every other client of the same settings.</summary>
    internal ClientCore Core => _core;

    private GptImageHubClient(HttpClient httpClient, bool ownsHttpClient, ClientCore core)
    {
        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _core = core;
        _settings = core.Settings;
        _logger = core.Logger;
        _pipeline = new HttpPipeline(httpClient, core, _lifetime.Token);
        _poller = new GenerationPoller(_pipeline, core);
    }

    /// <summary>The service address this client talks to.</summary>
    public Uri BaseAddress => _settings.BaseAddress;

    /// <summary>
    /// The model used by features that generate without naming one, from
    /// <see cref="GptImageHubClientOptions.DefaultModel"/>; null when callers must name one.
    /// </summary>
    public string? DefaultModel => _settings.DefaultModel;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ImageModel>> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var call = new ApiCall(HttpMethod.Get, _settings.Endpoints.Models, _settings.RequestTimeout) { Authenticate = false, OnApiOrigin = true };
        var response = await _pipeline.SendAsync(call, GptImageHubJsonContext.Default.ModelList, cancellationToken).ConfigureAwait(false);

        // Kept so that reference-image counts can be checked against the model's own limit before sending.
        _core.Models.Store(response.Value.Models);
        return response.Value.Models;
    }

    /// <inheritdoc/>
    public async Task<CreditBalance> GetCreditsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var call = new ApiCall(HttpMethod.Get, _settings.Endpoints.Credits, _settings.RequestTimeout) { OnApiOrigin = true };
        var response = await _pipeline.SendAsync(call, GptImageHubJsonContext.Default.CreditsResponse, cancellationToken).ConfigureAwait(false);
        return response.Value.ToCreditBalance()
            ?? throw new InvalidResponseException("The service returned a credits response without a 'credits' field.", response.StatusCode, errorCode: null);
    }

    /// <inheritdoc/>
    public async Task<ImageGeneration> GenerateImageAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        // A charged submit: a batch trusts only its submit's own exception (below), never one after the answer.
        ThrownBySubmit.Started();
        ThrowIfDisposed();
        ValidateBeforeSending(request);
        var mode = _settings.GenerationMode;
        using var scope = GenerationScope.Start(_logger, _settings.TimeProvider, request.Model, mode == GenerationMode.Polling ? "polling" : "server_wait");
        string? generationId = null;
        try
        {
            ImageGeneration generation;
            try
            {
                generation = await SubmitAsync(request, submitAsync: mode == GenerationMode.Polling, mode == GenerationMode.Polling ? _settings.RequestTimeout : _settings.ServerWaitTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ThrownBySubmit.Remember(ex))
            {
                // Never entered: the submit's own failure, before any job was named, is as trustworthy as
                // StartImageGenerationAsync's. A batch's stop taken before sending (through a decorator) said not sent,
                // and the batch, told nothing, journaled the item possibly charged and held it back for good. What
                // fails after the answer (the wait) is never remembered, so it still counts as possibly charged.
                throw;
            }

            generationId = generation.Id;
            ThrownBySubmit.Paid(generationId);
            scope.Submitted(generation);
            if (generation.Status == GenerationStatus.Failed)
            {
                throw GenerationPoller.Failed(generation, _settings.ApiKey);
            }

            // Polling waits for the queued job; a server wait that came back unfinished is followed, never resubmitted.
            if (generation.Status != GenerationStatus.Succeeded)
            {
                generation = await _poller.WaitAsync(generation, cancellationToken).ConfigureAwait(false);
            }

            return scope.Succeeded(generation);
        }
        catch (Exception ex)
        {
            if (generationId is null && ChargeClassifier.PaidId(ex) is { } named)
            {
                // The submit's answer named its job before it failed (broke off after the id): a batch watching a
                // decorator built on this call follows that job only when the watch knows it was paid for.
                ThrownBySubmit.Paid(named);
            }

            scope.Failed(ex, generationId);
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
        StartImageGenerationAsync(request, cancellationToken, stopBeforeSending: default);

    /// <summary>
    /// <see cref="StartImageGenerationAsync(ImageGenerationRequest, CancellationToken)"/> with a second, softer stop:
    /// <paramref name="stopBeforeSending"/> ends the preparation (the cost check, the reference images) and sends no POST
    /// after it, no retry included, but lets the POST already sent finish, whose answer names the job it paid for. gih
    /// generate's first Ctrl+C.
    /// </summary>
    internal async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken, CancellationToken stopBeforeSending)
    {
        ThrownBySubmit.Started();
        try
        {
            ThrowIfDisposed();
            ValidateBeforeSending(request);
            var generation = await SubmitAsync(request, submitAsync: true, _settings.RequestTimeout, cancellationToken, stopBeforeSending).ConfigureAwait(false);
            ThrownBySubmit.Paid(generation.Id);
            Log.GenerationSubmitted(_logger, generation.Id, generation.Model ?? request.Model, generation.Status.ToString());
            return new GenerationOperation(generation, _poller);
        }
        catch (Exception ex) when (ThrownBySubmit.Remember(ex))
        {
            // Never entered: the filter only remembers the exception as this submit's, for the charge rule.
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<ImageGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        RequireGenerationId(generationId);
        var call = new ApiCall(HttpMethod.Get, _settings.Endpoints.Generation(generationId), _settings.RequestTimeout) { GenerationId = generationId, OnApiOrigin = true };
        var response = await _pipeline.SendAsync(call, GptImageHubJsonContext.Default.ImageGeneration, cancellationToken).ConfigureAwait(false);

        // The batch polls with this read and a resumed operation starts from it: an answer about another job must not stand in for this one.
        return GenerationPoller.About(generationId, response);
    }

    /// <inheritdoc/>
    public Task<ImageGeneration> WaitForGenerationAsync(string generationId, IProgress<ImageGeneration>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        RequireGenerationId(generationId);
        return _poller.ResumeAsync(generationId, progress, cancellationToken);
    }

    /// <summary>The operation of a submitted generation, polled by this client's own poller (<see cref="GenerationOperationExtensions.ResumeGenerationAsync"/>).</summary>
    internal async Task<GenerationOperation> ResumeOperationAsync(string generationId, CancellationToken cancellationToken)
    {
        var generation = await GetGenerationAsync(generationId, cancellationToken).ConfigureAwait(false);
        return new GenerationOperation(generation, _poller);
    }

    /// <summary>Prices a request from the shared, cached model list (<see cref="CreditEstimateExtensions.EstimateCreditsAsync"/>).</summary>
    internal async Task<CreditEstimate> EstimateWithCachedModelsAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        GenerationRequestBody.Validate(request);
        var models = await GetFreshModelsAsync(cancellationToken).ConfigureAwait(false);
        return CreditEstimator.Estimate(request, models);
    }

    /// <inheritdoc/>
    public Task DownloadImageAsync(GeneratedImage image, Stream destination, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (image is null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        var url = image.Url.IsAbsoluteUri ? image.Url : new Uri(_settings.BaseAddress, image.Url);
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidResponseException($"Image '{image.Id}' has a URL with the unsupported scheme '{url.Scheme}'.", HttpStatusCode.OK, errorCode: null);
        }

        // Images live on a CDN: the key is never sent with a download, whatever host the URL names.
        var call = new ApiCall(HttpMethod.Get, url, _settings.RequestTimeout) { Authenticate = false };
        return _pipeline.CopyToAsync(call, destination, cancellationToken);
    }

    /// <summary>
    /// Ends every call and wait still running on this client, and releases the connection pool when
    /// the client created it (an <see cref="HttpClient"/> passed in is left to its owner). Each running
    /// call ends with <see cref="ClientDisposedException"/>, which carries the
    /// <see cref="GptImageHubException.GenerationId"/> of a submitted job and says when a submit in
    /// flight was possibly charged; a call made afterwards throws <see cref="ObjectDisposedException"/>
    /// before sending anything. Safe to call more than once.
    /// </summary>
    public void Dispose()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        // First the calls learn that they were stopped by a disposal, then the connections close under them.
        try
        {
            _lifetime.Cancel();
        }
        catch (AggregateException)
        {
            // A continuation that threw belongs to the call it ran for, which reports its own end.
        }

        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private void ThrowIfDisposed()
    {
        if (_lifetime.IsCancellationRequested)
        {
            throw ThrownBeforeSending.Disposed("The GptImageHubClient has been disposed; nothing was sent. Create a new client to go on (a generation id from an earlier failure can be resumed with WaitForGenerationAsync).");
        }
    }

    /// <summary>Submits one generation: the cost guards, then the POST. The batch runner calls it too, so every guard applies there as well.</summary>
    /// <remarks>
    /// <paramref name="stopBeforeSending"/> stops everything before the POST and any POST after the first (a retry), never
    /// the POST already sent (<see cref="ApiCall.StopBeforeSending"/>). Without one, a submit a batch watches takes the
    /// batch's (<see cref="ThrownBySubmit.StopBeforeSending"/>): the batch calls any client, a consumer's decorator
    /// included, whose call of this client's submit has no way to pass it on.
    /// </remarks>
    internal async Task<ImageGeneration> SubmitAsync(ImageGenerationRequest request, bool submitAsync, TimeSpan timeout, CancellationToken cancellationToken, CancellationToken stopBeforeSending = default)
    {
        if (!stopBeforeSending.CanBeCanceled)
        {
            stopBeforeSending = ThrownBySubmit.StopBeforeSending;
        }

        Func<HttpContent>? createContent = null;
        byte[]? body = null;
        using var preparing = stopBeforeSending.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopBeforeSending) : null;
        var preparation = preparing?.Token ?? cancellationToken;
        try
        {
            await CheckCostAsync(request, preparation).ConfigureAwait(false);
            Log.GenerationPrompt(_logger, request.Model, request.Prompt);
            if (request.ReferenceImages.Count == 0)
            {
                body = GenerationRequestBody.Serialize(request, submitAsync);
            }
            else
            {
                var model = _core.Models.Find(request.Model);
                var uploads = await ReferenceImageUpload.PrepareAsync(
                    request.ReferenceImages,
                    request.Model,
                    model?.ReferenceImageLimit ?? ReferenceImageUpload.DocumentedMaxCount,
                    limitFromModels: model?.ReferenceImageLimit is not null,
                    preparation).ConfigureAwait(false);
                var fields = MultipartGenerationContent.Fields(request, submitAsync);
                createContent = () => new MultipartGenerationContent(fields, uploads);
                timeout = UploadTimeout(timeout, uploads);
            }
        }
        catch (ArgumentException ex) when (ThrownBeforeSending.Remember(ex))
        {
            // Never entered: the filter only remembers that nothing was sent, for the charge rule.
            throw;
        }
        catch (OperationCanceledException ex) when (stopBeforeSending.IsCancellationRequested && ThrownBeforeSending.Remember(ex))
        {
            // Never entered, as above: stopped before sending (the catalogue read, the images), so not sent, and a batch
            // stopped there records the item so instead of possibly charged.
            throw;
        }

        var call = new ApiCall(HttpMethod.Post, _settings.Endpoints.Generations, timeout)
        {
            TimeoutSetting = submitAsync ? nameof(GptImageHubClientOptions.RequestTimeout) : nameof(GptImageHubClientOptions.ServerWaitTimeout),
            JsonBody = body,
            CreateContent = createContent,
            Retry = RetryKind.Submit,
            OnApiOrigin = true,
            StopBeforeSending = stopBeforeSending,
        };

        // Stopped while preparing, after the last await that saw the stop: nothing has been sent.
        if (stopBeforeSending.IsCancellationRequested)
        {
            var stopped = new OperationCanceledException("The submit was stopped before its request was sent; nothing was sent.", stopBeforeSending);
            _ = ThrownBeforeSending.Remember(stopped);
            throw stopped;
        }
        var response = await _pipeline.SendAsync(call, GptImageHubJsonContext.Default.ImageGeneration, cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    /// <summary>
    /// An upload gets one extra second per megabyte on top of its timeout (a 1 MB/s floor), so 16
    /// large images on a slow line are not cut by a limit meant for a small JSON body.
    /// </summary>
    private static TimeSpan UploadTimeout(TimeSpan timeout, IReadOnlyList<ReferenceImageUpload> uploads)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return timeout;
        }

        var megabytes = uploads.Sum(u => u.Length ?? ReferenceImageUpload.MaxBytes) / (1024.0 * 1024.0);
        return timeout + TimeSpan.FromSeconds(Math.Ceiling(megabytes));
    }

    /// <summary>The configured guards: refuse a request over <c>MaxCreditsPerRequest</c>, or above the balance, before a byte of it is sent.</summary>
    private async Task CheckCostAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        if (_settings.MaxCreditsPerRequest is null && !_settings.CheckBalanceBeforeSubmit)
        {
            return;
        }

        // The request was validated by the public entry point; price it without checking it again.
        var estimate = CreditEstimator.Estimate(request, await GetFreshModelsAsync(cancellationToken).ConfigureAwait(false));
        if (_settings.MaxCreditsPerRequest is { } limit)
        {
            if (estimate.Credits is not { } credits)
            {
                throw new CreditLimitExceededException(
                    $"The request was not sent: MaxCreditsPerRequest is {limit} credits, and its price cannot be estimated: {estimate.Reason}.")
                {
                    Estimate = estimate,
                    Limit = limit,
                };
            }

            if (credits > limit)
            {
                throw new CreditLimitExceededException(
                    $"The request was not sent: it is estimated at {credits} credits ({estimate.Count} x {estimate.CreditsPerImage} at {estimate.Tier} on {estimate.Model}), above MaxCreditsPerRequest ({limit}).")
                {
                    Estimate = estimate,
                    Limit = limit,
                };
            }
        }

        if (_settings.CheckBalanceBeforeSubmit && estimate.Credits is { } price)
        {
            var balance = await GetCreditsAsync(cancellationToken).ConfigureAwait(false);
            if (balance.Credits < price)
            {
                throw new InsufficientCreditsException(
                    $"The request was not sent: it is estimated at {price} credits and the balance is {balance.Credits} (CheckBalanceBeforeSubmit).",
                    statusCode: null,
                    errorCode: null);
            }
        }
    }

    private Task<IReadOnlyList<ImageModel>> GetFreshModelsAsync(CancellationToken cancellationToken) =>
        _core.Models.GetAsync(GetModelsAsync, cancellationToken);

    private static HttpClient CreateHttpClient()
    {
#if NET
        var handler = new SocketsHttpHandler
        {
            // Recycle connections so DNS changes are seen, as IHttpClientFactory would.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
#else
        var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate };
#endif

        // Every call is bounded by the SDK's own timeouts; HttpClient's 100 s default would cut generations.
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static string RequireKey(string apiKey) =>
        string.IsNullOrWhiteSpace(apiKey)
            ? throw new ArgumentException($"The API key must not be empty. Pass a key or set {GptImageHubClientOptions.ApiKeyEnvironmentVariable} and use the options constructor.", nameof(apiKey))
            : apiKey;

    /// <summary>Checks a request before a submit; what it throws is remembered as thrown before sending, for the charge rule.</summary>
    private static void ValidateBeforeSending(ImageGenerationRequest request)
    {
        try
        {
            GenerationRequestBody.Validate(request);
        }
        catch (ArgumentException ex) when (ThrownBeforeSending.Remember(ex))
        {
            // Never entered: the filter lets the exception pass.
            throw;
        }
    }

    private static void RequireGenerationId(string generationId)
    {
        if (string.IsNullOrWhiteSpace(generationId))
        {
            throw new ArgumentException("The generation id must not be empty.", nameof(generationId));
        }
    }
}
