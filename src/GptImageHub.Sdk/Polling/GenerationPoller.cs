using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Http;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Polling;

/// <summary>
/// Polls a generation until it ends, on the client's clock: waits follow <see cref="PollSchedule"/>,
/// transient failures (timeouts, connection errors, 408, 429, 5xx) are polled through under the
/// same deadline, and every exception names the generation so that the caller can resume.
/// </summary>
internal sealed class GenerationPoller : IGenerationSource
{
    private readonly HttpPipeline _pipeline;
    private readonly ClientSettings _settings;
    private readonly ILogger _logger;
    private readonly Random? _random;

    /// <summary>A client's poller: the shared core's settings and logger over the client's own pipeline.</summary>
    public GenerationPoller(HttpPipeline pipeline, ClientCore core, Random? random = null)
    {
        _pipeline = pipeline;
        _settings = core.Settings;
        _logger = core.Logger;
        _random = random;
    }

    private ClientSettings Settings => _settings;

    public async Task<ImageGeneration> GetAsync(ImageGeneration current, CancellationToken cancellationToken)
    {
        Attempt<ImageGeneration> attempt;
        try
        {
            attempt = await PollOnceAsync(current, PollUri(current), Settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex is not GenerationCanceledException)
        {
            // A read of a paid job (UpdateStatusAsync) ends naming it, as its wait does: the caller's handler may hold only the exception.
            throw GenerationCanceledException.ForWait(current.Id, ex, cancellationToken);
        }
        catch (Exception ex) when (ex is not (GptImageHubException or OperationCanceledException))
        {
            // What a consumer's handler threw out of the read says nothing of the job, which exists and was paid for.
            throw new GptImageHubConnectionException($"The read of generation '{current.Id}' failed: {ex.Message}", statusCode: null, errorCode: null, current.Id, ex);
        }

        return About(current.Id, attempt.ResponseOrThrow());
    }

    public Task<ImageGeneration> WaitAsync(
        ImageGeneration current, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken) =>
        WaitInScopeAsync(current, pollImmediately: false, progress, observe, cancellationToken);

    /// <summary>Waits for a generation known only by its id: polls at once, then on the schedule.</summary>
    public Task<ImageGeneration> ResumeAsync(string generationId, IProgress<ImageGeneration>? progress, CancellationToken cancellationToken) =>
        WaitInScopeAsync(new ImageGeneration { Id = generationId, Status = default }, pollImmediately: true, progress, observe: null, cancellationToken);

    /// <summary>Waits inside a telemetry scope that the caller owns (a <c>GenerateImageAsync</c> that already started one).</summary>
    public Task<ImageGeneration> WaitAsync(ImageGeneration current, CancellationToken cancellationToken) =>
        WaitCoreAsync(current, pollImmediately: false, progress: null, observe: null, cancellationToken);

    private async Task<ImageGeneration> WaitInScopeAsync(
        ImageGeneration current, bool pollImmediately, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken)
    {
        using var scope = GenerationScope.Start(_logger, Settings.TimeProvider, current.Model, "wait", current.Id);
        try
        {
            return scope.Succeeded(await WaitCoreAsync(current, pollImmediately, progress, observe, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            scope.Failed(ex, current.Id);
            throw;
        }
    }

    private async Task<ImageGeneration> WaitCoreAsync(
        ImageGeneration current, bool pollImmediately, IProgress<ImageGeneration>? progress, Action<ImageGeneration>? observe, CancellationToken cancellationToken)
    {
        var id = current.Id;
        var time = Settings.TimeProvider;
        var started = time.GetTimestamp();
        var limit = Settings.Polling.Timeout;
        var schedule = new PollSchedule(Settings.Polling, _random);
        TimeSpan? retryAfter = null;
        var polls = 0;

        // The delays between polls also end when the client is disposed; the polls get the caller's
        // own token, so that the pipeline can tell a disposal from the caller's cancellation.
        var lifetime = _pipeline.Lifetime;
        using var stop = lifetime.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime) : null;
        var delayToken = stop?.Token ?? cancellationToken;

        // A resumed wait starts from a placeholder, which is no state to report.
        var stateKnown = !pollImmediately;
        if (stateKnown)
        {
            ConsumerProgress.Report(progress, current, cancellationToken);
        }

        try
        {
            while (!stateKnown || !current.Status.IsTerminal)
            {
                var remaining = limit == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : limit - time.GetElapsedTime(started);
                var delay = polls == 0 && pollImmediately ? TimeSpan.Zero : schedule.NextDelay(retryAfter);
                if (remaining != Timeout.InfiniteTimeSpan && (delay >= remaining || remaining <= TimeSpan.Zero))
                {
                    if (remaining > TimeSpan.Zero)
                    {
                        await DelayAsync(remaining, delayToken).ConfigureAwait(false);
                    }

                    throw TimedOut(current, limit, polls);
                }

                if (delay > TimeSpan.Zero)
                {
                    await DelayAsync(delay, delayToken).ConfigureAwait(false);
                }

                polls++;

                var pollTimeout = remaining == Timeout.InfiniteTimeSpan ? Settings.RequestTimeout : Min(Settings.RequestTimeout, remaining - delay);
                Attempt<ImageGeneration> attempt;
                try
                {
                    attempt = await PollOnceAsync(current, PollUri(current), pollTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (GptImageHubException or OperationCanceledException))
                {
                    // What a consumer's handler threw out of a poll says nothing of the job, which exists and was paid
                    // for: the wait ends naming it, or a GenerateImageAsync caller, who never saw the id, lost the job.
                    throw new GptImageHubConnectionException($"The wait for generation '{id}' failed: {ex.Message}", statusCode: null, errorCode: null, id, ex);
                }

                // A transient failure says nothing about the job: wait as the service asked, and poll again.
                retryAfter = attempt.RetryAfter;
                if (attempt.Failure is { } failure)
                {
                    if (IsTransient(failure))
                    {
                        continue;
                    }

                    throw failure;
                }

                var previous = current;
                current = About(id, attempt.Response);
                observe?.Invoke(current);
                if (!stateKnown || current.Status != previous.Status)
                {
                    Log.GenerationStatusChanged(_logger, id, current.Status.ToString(), polls);
                    ConsumerProgress.Report(progress, current, cancellationToken);
                }

                stateKnown = true;
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex is not GenerationCanceledException)
        {
            throw GenerationCanceledException.ForWait(id, ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (_pipeline.IsDisposed)
        {
            // Disposed between two polls.
            throw Disposed(id, ex);
        }

        if (current.Status == GenerationStatus.Failed)
        {
            throw Failed(current, Settings.ApiKey);
        }

        return current;
    }

    /// <summary>Whether a failed poll says nothing about the job, so the wait goes on.</summary>
    internal static bool IsTransient(GptImageHubException exception) => exception switch
    {
        GptImageHubConnectionException => true,
        RateLimitedException => true,
        ServiceException { StatusCode: { } status } => status == HttpStatusCode.RequestTimeout || (int)status >= 500,
        _ => false,
    };

    /// <summary>
    /// The answer to a poll (or a read) of <paramref name="id"/>, which must be about that generation:
    /// an answer naming another one (or none) would send the next poll, and every exception after it,
    /// to that id, and the paid job would be lost; a batch would journal that other job's outcome.
    /// </summary>
    internal static ImageGeneration About(string id, ApiResponse<ImageGeneration> response) =>
        string.Equals(response.Value.Id, id, StringComparison.Ordinal)
            ? response.Value
            : throw new InvalidResponseException(
                string.Format(CultureInfo.InvariantCulture, "The service answered a poll of generation '{0}' with generation '{1}'.", id, response.Value.Id),
                response.StatusCode,
                errorCode: null,
                id);

    /// <summary>The exception of a failed job, its reason masked of <paramref name="apiKey"/> and of key-shaped words (null: only those).</summary>
    internal static GenerationFailedException Failed(ImageGeneration generation, string? apiKey)
    {
        // The reason comes in a 200 answer, not an error one, but is the server's text all the same: a key it echoes
        // (a provider's refusal quoting the request) is masked as in an error answer, before it reaches a log or a journal.
        var detail = FailureDetail(generation);
        var reason = detail?.Message is { } text ? SecretRedaction.Redact(text, apiKey) : null;
        var code = detail?.Code is { } raw ? SecretRedaction.Redact(raw, apiKey) : null;
        var message = reason is null
            ? $"Generation '{generation.Id}' failed. The service refunds the credits it held."
            : $"Generation '{generation.Id}' failed: {reason}. The service refunds the credits it held.";
        return new GenerationFailedException(message, statusCode: null, errorCode: code, generation.Id);
    }

    /// <summary>One poll; its failure is handed back, not thrown, so the loop can tell a transient one from the end of the wait.</summary>
    private ValueTask<Attempt<ImageGeneration>> PollOnceAsync(ImageGeneration current, Uri pollUri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var call = new ApiCall(HttpMethod.Get, pollUri, timeout) { GenerationId = current.Id, Retry = RetryKind.None, OnApiOrigin = true };
        return _pipeline.TrySendAsync(call, GptImageHubJsonContext.Default.ImageGeneration, cancellationToken);
    }

    /// <summary>
    /// The service's <c>poll_url</c> when it is on the API origin; otherwise the generation's own path
    /// on the base address, so the key never travels to another host.
    /// </summary>
    internal Uri PollUri(ImageGeneration generation) =>
        generation.PollUrl is { IsAbsoluteUri: true } pollUrl && Settings.IsApiOrigin(pollUrl)
            ? pollUrl
            : Settings.Endpoints.Generation(generation.Id);

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, Settings.TimeProvider, cancellationToken);
#else
        Settings.TimeProvider.Delay(delay, cancellationToken);
#endif

    private static ClientDisposedException Disposed(string id, Exception? innerException) =>
        ClientDisposedException.Create($"The wait for generation '{id}'", id, requestSent: false, httpClientDisposed: false, innerException);

    private static GenerationTimeoutException TimedOut(ImageGeneration current, TimeSpan limit, int polls) =>
        new(
            string.Format(
                CultureInfo.InvariantCulture,
                "Generation '{0}' was still '{1}' after {2:0.###} s and {3} polls (Polling.Timeout). It may still finish: resume with WaitForGenerationAsync(\"{0}\").",
                current.Id,
                current.Status,
                limit.TotalSeconds,
                polls),
            statusCode: null,
            errorCode: null,
            current.Id);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) =>
        a == Timeout.InfiniteTimeSpan ? b : a < b ? a : b;

    /// <summary>
    /// A failed generation's <c>error</c>, which the provider does not document on the generation: read
    /// as an error body's <c>error</c> is, by the same generated reader and wire names (a bare string is its message).
    /// </summary>
    private static ErrorDetail? FailureDetail(ImageGeneration generation)
    {
        if (!generation.AdditionalProperties.TryGetValue(ErrorField.Name, out var error))
        {
            return null;
        }

        if (error.ValueKind == JsonValueKind.String)
        {
            return new ErrorDetail(error.GetString(), Code: null);
        }

        try
        {
            return error.ValueKind == JsonValueKind.Object ? error.Deserialize(GptImageHubJsonContext.Default.ErrorDetail) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The wire name of the error body's <c>error</c>, from the generated metadata; built on the first failed generation.</summary>
    private static class ErrorField
    {
        public static readonly string Name = GptImageHubJsonContext.Default.ErrorResponse.Properties.Single().Name;
    }
}
