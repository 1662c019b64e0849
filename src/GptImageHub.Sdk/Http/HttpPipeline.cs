using System.Diagnostics;
using System.Globalization;
using System.Net;
#if NET6_0_OR_GREATER
using System.Runtime.CompilerServices;
#endif
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Errors;
using Microsoft.Extensions.Logging;
using Polly;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// Sends one <see cref="ApiCall"/>: stamps the key (API origin only) and User-Agent, bounds the
/// call by its timeout on the client's clock, and turns the answer into a record or a typed
/// exception. Transport failures become <see cref="GptImageHubConnectionException"/>; a call the
/// client's disposal stopped becomes <see cref="ClientDisposedException"/>. Nothing else but the
/// caller's own cancellation leaves it.
/// </summary>
internal sealed class HttpPipeline
{
    private const string JsonMediaType = "application/json";

    private readonly HttpClient _httpClient;
    private readonly ClientSettings _settings;
    private readonly RetryStrategy _retry;
    private readonly ILogger _logger;
    private readonly CancellationToken _lifetime;

    /// <summary>A client's view of the shared <paramref name="core"/>: its own connection pool and lifetime, nothing built.</summary>
    public HttpPipeline(HttpClient httpClient, ClientCore core, CancellationToken lifetime = default)
    {
        _httpClient = httpClient;
        _settings = core.Settings;
        _logger = core.Logger;
        _retry = core.Retry;
        _lifetime = lifetime;
    }

    /// <summary>Cancelled when the client is disposed: every call and wait of the client ends with it.</summary>
    public CancellationToken Lifetime => _lifetime;

    /// <summary>Whether the client has been disposed.</summary>
    public bool IsDisposed => _lifetime.IsCancellationRequested;

    /// <summary>Sends a call and reads its answer; a failure the retries did not cure is thrown.</summary>
    public ValueTask<ApiResponse<T>> SendAsync<T>(ApiCall call, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        return ThrowOnFailureAsync(TrySendAsync(call, typeInfo, cancellationToken));

#if NET6_0_OR_GREATER
        // Pooled: 266 B of GetCredits' 1,490 B (18 %) on a transport that answers asynchronously (see SendOnceAsync).
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
        static async ValueTask<ApiResponse<T>> ThrowOnFailureAsync(ValueTask<Attempt<T>> pending) =>
            (await pending.ConfigureAwait(false)).ResponseOrThrow();
    }

    /// <summary>
    /// Sends a call and reads its answer, retrying under the call's rules, and hands back the last
    /// attempt's outcome (a failure included) with the wait the service asked for. Only the caller's
    /// own cancellation is thrown.
    /// </summary>
    public ValueTask<Attempt<T>> TrySendAsync<T>(ApiCall call, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        RetryAsync(
            call,
            SendOnceAsync(call, typeInfo, cancellationToken),
            static (state, token) => state.Pipeline.SendOnceAsync(state.Call, state.TypeInfo, token),
            (Pipeline: this, Call: call, TypeInfo: typeInfo),
            cancellationToken);

#if NET6_0_OR_GREATER
    // Pooled, as are RetryAsync, SendCoreAsync and SendAsync's ThrowOnFailureAsync: on a transport that
    // answers asynchronously, as a socket does, each box would cost GetCredits 266-367 B of its 1,490 B
    // (this one 367 B, 25 %; all four 1,309 B, 88 %; `BENCH_ASYNC=1 alloc GetCredits_Sdk`,
    // docs/benchmarks.md, "Speed tricks, measured").
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<Attempt<T>> SendOnceAsync<T>(ApiCall call, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var sent = await SendCoreAsync(call, acceptJson: true, cancellationToken).ConfigureAwait(false);
        if (sent.Failure is { } failure)
        {
            return Attempt<T>.Failed(failure, sent.RetryAfter);
        }

        using var response = sent.Response.Value;
        using var body = await ResponseBody.ReadAsync(response.Message, _settings.MaxResponseBytes, readIfDeclaredTooLarge: call.IsChargedSubmit, response.Token).ConfigureAwait(false);
        if (body.Failure is { } broken)
        {
            // The answer broke off: a charged submit's names the job it paid for if its id had arrived.
            // Whatever else broke it (a consumer's handler that wraps the answer's stream throws its own exceptions), a
            // charged submit whose answer already named its job fails naming it, not as the bare exception.
            var generationId = ResponseDeserializer.PaidId(body, call.GenerationId, call.IsChargedSubmit);
            var namedPaidJob = call.IsChargedSubmit && generationId is not null && broken is not OperationCanceledException;
            MarkIfThrownByHandler(call, broken);
            return IsTransportFailure(broken, cancellationToken) || namedPaidJob
                ? Attempt<T>.Failed(Failure(call, response.Timeout, broken, requestSent: true, generationId: generationId), sent.RetryAfter)
                : throw CallerStopped(broken, call.IsChargedSubmit ? generationId : null, cancellationToken);
        }

        if (response.CopyRedirectedTo is { } redirectedTo)
        {
            // The answer is the redirected POST's, and names the job it paid for; the POST before the redirect was written
            // and may have been charged too. Failed naming the job (it exists and is paid), possibly charged, never retried.
            var paidId = ResponseDeserializer.PaidId(body, call.GenerationId, call.IsChargedSubmit);
            return Attempt<T>.Failed(
                RedirectedAfterBody(
                    call,
                    call.Method.Method,
                    redirectedTo,
                    $" (by a handler's copy of the request) and sent again; its answer names generation '{paidId ?? "(none)"}', and the request before the redirect may have been charged too.",
                    sent.Response.StatusCode,
                    paidId,
                    inner: null),
                sent.RetryAfter);
        }

        try
        {
            var value = ResponseDeserializer.Read(body, _settings.ApiKeyJsonForms, sent.Response.StatusCode, typeInfo, call.GenerationId, call.IsChargedSubmit);
            return Attempt<T>.Succeeded(value, sent.Response.StatusCode, sent.RetryAfter);
        }
        catch (InvalidResponseException ex)
        {
            return Attempt<T>.Failed(ex, sent.RetryAfter);
        }
    }

    /// <summary>Sends a call whose successful body the caller streams itself, such as an image download.</summary>
    public async Task CopyToAsync(ApiCall call, Stream destination, CancellationToken cancellationToken)
    {
        // Only the send is repeated: once bytes have gone to the destination, a retry would corrupt it.
        var sent = await RetryAsync(
            call,
            SendCoreAsync(call, acceptJson: false, cancellationToken),
            static (state, token) => state.Pipeline.SendCoreAsync(state.Call, acceptJson: false, token),
            (Pipeline: this, Call: call),
            cancellationToken).ConfigureAwait(false);
        using var response = sent.ResponseOrThrow().Value;
        try
        {
#if NET
            await response.Message.Content.CopyToAsync(destination, response.Token).ConfigureAwait(false);
#else
            await response.Message.Content.CopyToAsync(destination).ConfigureAwait(false);
#endif
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            throw Failure(call, response.Timeout, ex, requestSent: true);
        }
        catch (OperationCanceledException ex) when (ex.CancellationToken != cancellationToken)
        {
            throw CallerStopped(ex, generationId: null, cancellationToken);
        }
    }

    /// <summary>
    /// Awaits the first attempt, already started, and runs further ones under the call's retry
    /// rules, with the call in the Polly context for logging. Returns the last attempt's outcome.
    /// </summary>
#if NET6_0_OR_GREATER
    // Pooled: 356 B of GetCredits' 1,490 B (24 %) on an asynchronous transport (see SendOnceAsync).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<Attempt<T>> RetryAsync<T, TState>(
        ApiCall call, ValueTask<Attempt<T>> first, Func<TState, CancellationToken, ValueTask<Attempt<T>>> attempt, TState state, CancellationToken cancellationToken)
    {
        var firstOutcome = await first.ConfigureAwait(false);
        var pipeline = _retry.For(call.Retry);
        var stopping = call.StopBeforeSending;
        if (firstOutcome.Failure is null || ReferenceEquals(pipeline, ResiliencePipeline.Empty) || cancellationToken.IsCancellationRequested || stopping.IsCancellationRequested || IsDisposed)
        {
            // A cancelled caller gets the failure as it is, which is what the pipeline would have
            // returned; so does a disposed client, which tries nothing again.
            return firstOutcome;
        }

        // The first attempt runs outside Polly: entering a pipeline cost about 550 ns a call, 44 % of
        // GetCredits' 1,243 ns (and 121 B, 7 %; docs/benchmarks.md, "Speed tricks, measured"), and
        // nearly every call succeeds at once. A failed first attempt is
        // handed to Polly as its own first outcome (returned again without running anything), so
        // whether to retry, the delays, the attempt numbers and the retry log are exactly those of a
        // pipeline that ran it.
        //
        // The delays between attempts also end when the client is disposed. The attempts themselves
        // get the caller's own token: the pipeline tells the caller's cancellation from a disposal.
        // A stop before sending ends the delays too, and no attempt starts after it (the one sent is never stopped by it).
        using var stop = stopping.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime, stopping)
            : _lifetime.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime) : null;
        var context = ResilienceContextPool.Shared.Get(stop?.Token ?? cancellationToken);
        context.Properties.Set(RetryStrategy.CallKey, call);
        var outcomes = new FirstOutcome<Attempt<T>>(firstOutcome);
        try
        {
            return await pipeline.ExecuteAsync(
                static (context, state) => state.Outcomes.TryTake(out var outcome)
                    ? new ValueTask<Attempt<T>>(outcome)
                    : state.Stopping.IsCancellationRequested
                        ? new ValueTask<Attempt<T>>(state.Outcomes.Last)
                        : state.Outcomes.RecordAsync(state.Attempt(state.State, state.CallerToken)),
                context,
                (Attempt: attempt, State: state, Outcomes: outcomes, CallerToken: cancellationToken, Stopping: stopping)).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (IsDisposed && !cancellationToken.IsCancellationRequested)
        {
            // Disposed while waiting to try again: the attempt before was one that may be repeated,
            // so (for a submit) one that never reached the service.
            return Attempt<T>.Failed(Disposed(call, requestSent: false, httpClientDisposed: false, ex), retryAfter: null);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped before sending again while waiting to: the last attempt's outcome, as it is (a 429 says refused, a
            // refused connection not sent), and nothing more sent.
            return outcomes.Last;
        }
        catch (OperationCanceledException ex) when (ex.CancellationToken != cancellationToken && cancellationToken.IsCancellationRequested)
        {
            // Cancelled while waiting to try again: the linked token stopped the wait, the caller's is named.
            throw CallerStopped(ex, generationId: null, cancellationToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Sends the request and, for an error status, reads the error body into its exception. The
    /// answer's body is left for the caller to read under the call's timeout. Every failure the
    /// service or the network causes is returned; only the caller's own cancellation is thrown.
    /// </summary>
#if NET6_0_OR_GREATER
    // Pooled: 346 B of GetCredits' 1,490 B (23 %) on an asynchronous transport (see SendOnceAsync).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<Attempt<SentResponse>> SendCoreAsync(ApiCall call, bool acceptJson, CancellationToken cancellationToken)
    {
        _settings.MaskPath(call);
        if (call.Authenticate && _settings.ApiKey is null)
        {
            return Attempt<SentResponse>.Failed(
                new MissingApiKeyException(
                    _settings.MissingKeyMessage,
                    statusCode: null,
                    errorCode: null,
                    call.GenerationId),
                retryAfter: null);
        }

        if (IsDisposed)
        {
            return Attempt<SentResponse>.Failed(Disposed(call, requestSent: false, httpClientDisposed: false, innerException: null), retryAfter: null);
        }

        var timeout = CallTimeout.Start(call.Timeout, _settings.TimeProvider, cancellationToken, _lifetime);
        var method = call.Method.Method;

        // The path is a string the Uri builds on demand: only a listener or an enabled log pays for it.
        using var traced = StartActivity(call, method);
        var activity = traced.Activity;
        var logging = _logger.IsEnabled(LogLevel.Debug);

        // The clock is read only for a log line that will be written: durations appear nowhere else.
        var started = logging || _logger.IsEnabled(LogLevel.Warning) ? _settings.TimeProvider.GetTimestamp() : 0;
        if (logging)
        {
            Log.RequestStarting(_logger, method, call.Path, call.GenerationId);
        }

        try
        {
            using var request = CreateRequest(call, acceptJson);

            // Held here: a handler that sends a copy of the body may put that copy in the request in its place.
            var body = request.Content as IWrittenBody;
            HttpResponseMessage message;
            try
            {
                message = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (body?.RedirectedTo is { } redirectedTo)
            {
                // The handler followed a 307 or 308 with the same POST; its body refused to go again (BodyWrites). The
                // redirect is no documented refusal: the request before it was written and may have been charged.
                return Failed(RedirectedAfterBody(call, method, redirectedTo, "; the SDK does not send it again.", statusCode: null, call.GenerationId, ex), retryAfter: null);
            }
            catch (Exception ex) when (body is MultipartGenerationContent { SourceFailure: { } failure } multipart
                && (multipart.Writes > 1 || multipart is { Writes: > 0, Copied: true })
                && (ex == failure || IsTransportFailure(ex, cancellationToken)))
            {
                // The image could not be read again (a stream that does not seek), but an attempt below the SDK (a
                // consumer's handler that retries, or reads the body after a send to log it) had written the whole
                // body toward the network before: possibly charged, not the image's fault.
                return Failed(Failure(call, timeout, ex, requestSent: true, writtenBefore: true), retryAfter: null);
            }
            catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
            {
                // A failure reading the caller's own image is not the network's: report it as what it is.
                if (body is MultipartGenerationContent { SourceFailure: { } sourceFailure })
                {
                    return Failed(sourceFailure as GptImageHubException ?? throw sourceFailure, retryAfter: null);
                }

                // An attempt below the SDK (a consumer's handler that retries) may have written the body before this one failed.
                return Failed(Failure(call, timeout, ex, requestSent: true, writtenBefore: body is { Writes: > 0 } or { Copied: true }), retryAfter: null);
            }
            catch (Exception ex) when (call.IsChargedSubmit && !IsOwnSourceFailure(body, ex) && ThrownByHandler.Remember(ex))
            {
                // Never entered: the filter only marks what a consumer's handler threw out of a charged POST (not the
                // caller's cancellation, a transport failure or the SDK's own image failure, caught above) as possibly charged.
                throw;
            }

            var status = (int)message.StatusCode;
            activity?.SetTag(TelemetryTags.HttpStatusCode, status);
            if (logging)
            {
                Log.RequestCompleted(_logger, method, call.Path, status, _settings.TimeProvider.GetElapsedTime(started).TotalMilliseconds, call.GenerationId);
            }

            var retryAfter = RetryAfterHeader.Read(message.Headers, _settings.TimeProvider);

            // A consumer's handler that follows a redirect itself sends a new request and leaves this one as it was: the
            // answer names the request it answers.
            var answered = request.Method != call.Method ? request.Method : message.RequestMessage?.Method ?? request.Method;
            if (answered != call.Method)
            {
                // A redirect the HttpClient followed with a GET (301, 302, 303) changed this very request: whatever the
                // status, the answer is the GET's and speaks of another resource (a success may name another job). The
                // request before it was written and, for a charged submit, may have been charged under an id never read.
                message.Dispose();
                return Failed(
                    ChargeClassifier.Describe(
                        new InvalidResponseException(
                            string.Format(CultureInfo.InvariantCulture, "The {0} request was redirected and answered as a {1}; the answer (HTTP {2}) is not this request's.", method, answered.Method, status),
                            message.StatusCode,
                            errorCode: null,
                            call.GenerationId),
                        call.IsChargedSubmit),
                    retryAfter);
            }

            if (body?.MovedSinceWritten is { } movedTo && (message.RequestMessage is null || ReferenceEquals(message.RequestMessage, request)))
            {
                // A 307 or 308 after the body went whole moved this request, and the body did not go again: a handler that
                // waits for "100 Continue" sends a large body only then, and the new address answered the head first. The
                // answer (a 429, a 401 for the key the redirect dropped, even a success) is that head's, not the POST's,
                // which may have been charged: possibly charged, never retried, no id (no answer named the POST's job).
                message.Dispose();
                return Failed(
                    RedirectedAfterBody(
                        call,
                        method,
                        movedTo,
                        string.Format(CultureInfo.InvariantCulture, " and answered there (HTTP {0}) before its body went again; the answer is not this request's, and the request before the redirect may have been charged.", status),
                        message.StatusCode,
                        call.GenerationId,
                        inner: null),
                    retryAfter);
            }

            if (message.IsSuccessStatusCode)
            {
                // A consumer's handler that sends a copy of the request, sharing its body (a hedging snapshot, a handler
                // that treats requests as immutable), has the redirect handler change the copy, which BodyWrites cannot
                // see: the body went a second time, and this answer is the redirected POST's. Seen here, on the copy the
                // answer names, when the body was written twice toward the network and the copy went elsewhere or lost the key.
                var copyRedirectedTo = call.IsChargedSubmit && body is { Writes: > 1 } && message.RequestMessage is { } copy && !ReferenceEquals(copy, request)
                    && BodyWrites.Redirected(request.RequestUri, BodyWrites.IsAuthorized(request), copy)
                    ? copy.RequestUri ?? request.RequestUri
                    : null;
                return Attempt<SentResponse>.Succeeded(new SentResponse(message, timeout, copyRedirectedTo), message.StatusCode, retryAfter);
            }

            using (message)
            {
                using var errorBody = await ResponseBody.ReadAsync(message, ErrorMapper.MaxErrorBodyBytes, readIfDeclaredTooLarge: true, timeout.Token).ConfigureAwait(false);
                if (errorBody.Failure is { } broken and not (IOException or HttpRequestException))
                {
                    MarkIfThrownByHandler(call, broken);

                    // An error body that stalls ends with the call's timeout like any other read:
                    // a connection failure that names the status, never a bare cancellation.
                    return IsTransportFailure(broken, cancellationToken)
                        ? Failed(Failure(call, timeout, broken, requestSent: true, message.StatusCode, retryAfter), retryAfter)
                        : throw CallerStopped(broken, generationId: null, cancellationToken);
                }

                // The answer is to the attempt that wrote the body last; one below the SDK may have written it before.
                var text = errorBody.Failure is null ? SecretRedaction.Redact(errorBody.Json, _settings.ApiKeyJsonForms) : default;
                var writtenBefore = body is { Writes: > 1 } or { Copied: true };
                var failure = ErrorMapper.Map(message.StatusCode, text, retryAfter, call.GenerationId, _settings.ApiKey, call.IsChargedSubmit, writtenBefore, MissingEndpoint(call, message.StatusCode));
                return Failed(failure, retryAfter);
            }
        }
        catch (Exception ex)
        {
            // The caller's own cancellation (or a defect): still logged, and the timer given back.
            timeout.Dispose();
            RecordFailure(call, method, activity, started, ex.GetType().Name);
            if (ex is OperationCanceledException canceled && canceled.CancellationToken != cancellationToken && cancellationToken.IsCancellationRequested)
            {
                throw CallerStopped(ex, generationId: null, cancellationToken);
            }

            throw;
        }

        Attempt<SentResponse> Failed(GptImageHubException failure, TimeSpan? retryAfter)
        {
            timeout.Dispose();
            RecordFailure(call, method, activity, started, failure.GetType().Name);
            return Attempt<SentResponse>.Failed(failure, retryAfter);
        }
    }

    private void RecordFailure(ApiCall call, string method, Activity? activity, long started, string errorType)
    {
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, errorType);
        }

        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.RequestFailed(_logger, method, call.Path, started == 0 ? 0 : _settings.TimeProvider.GetElapsedTime(started).TotalMilliseconds, errorType, call.GenerationId);
        }
    }

    /// <summary>One client activity per HTTP request, polls included, named as OpenTelemetry names HTTP client spans.</summary>
    private static QuietActivity StartActivity(ApiCall call, string method)
    {
        var traced = QuietActivity.Start(method, ActivityKind.Client);
        if (traced.Activity is { } activity)
        {
            var path = call.Path;
            activity.SetTag(TelemetryTags.HttpMethod, method);
            activity.SetTag(TelemetryTags.ServerAddress, call.Uri.Host);
            activity.SetTag(TelemetryTags.ServerPort, call.Uri.Port);
            activity.SetTag(TelemetryTags.UrlPath, path);
            activity.SetTag(TelemetryTags.ProviderName, TelemetryTags.Provider);
            if (call.GenerationId is { } id)
            {
                activity.SetTag(TelemetryTags.ResponseId, id);
            }
        }

        return traced;
    }

    private HttpRequestMessage CreateRequest(ApiCall call, bool acceptJson)
    {
        var request = new HttpRequestMessage(call.Method, call.Uri);

        // Unparsed values: the parsed header objects put the same bytes on the wire and cost 741 B
        // a call (31 % of GetCredits; docs/benchmarks.md, "Speed tricks, measured").
        var headers = request.Headers;
        headers.TryAddWithoutValidation("User-Agent", ClientSettings.UserAgent);
        if (acceptJson)
        {
            headers.TryAddWithoutValidation("Accept", JsonMediaType);
        }

        // The key goes to the API origin only: never to a CDN, a foreign poll_url or anything else.
        if (call.Authenticate && _settings.AuthorizationHeader is { } authorization && (call.OnApiOrigin || _settings.IsApiOrigin(call.Uri)))
        {
            headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (call.JsonBody is { } body)
        {
            request.Content = GenerationRequestBody.CreateContent(body);
        }
        else if (call.CreateContent is { } createContent)
        {
            request.Content = createContent();
        }

        (request.Content as IWrittenBody)?.Carry(request);

        return request;
    }

    /// <summary>
    /// Whether a failure is the network's or a disposal's (to be reported as such) rather than the
    /// caller's own cancellation, which is rethrown as it is. A compressed answer whose bytes turn
    /// corrupt part-way makes the handler's inflater throw <see cref="InvalidDataException"/>, which
    /// is no <see cref="IOException"/>: it is the answer breaking off like a cut, and a charged
    /// submit's must still name the job its first bytes named. SocketsHttpHandler lets a bare
    /// <see cref="System.Net.Sockets.SocketException"/> out too (a connection reset as it is accepted, thrown by its
    /// connect step's <c>Socket.RemoteEndPoint</c>), which is no <see cref="IOException"/> either.
    /// </summary>
    private bool IsTransportFailure(Exception ex, CancellationToken callerToken) =>
        ex is HttpRequestException or IOException or InvalidDataException or System.Net.Sockets.SocketException
        || (ex is OperationCanceledException && !callerToken.IsCancellationRequested)
        || (ex is ObjectDisposedException && (IsDisposed || IsHttpClientDisposed(ex)));

    /// <summary>
    /// Marks what broke the reading of a charged POST's answer (its body or its error body) as a consumer's: a handler's
    /// stream wrapper may throw any type there, the SDK's own included, and the POST was sent whatever that type says.
    /// </summary>
    private static void MarkIfThrownByHandler(ApiCall call, Exception broken)
    {
        if (call.IsChargedSubmit)
        {
            _ = ThrownByHandler.Remember(broken);
        }
    }

    /// <summary>Whether <paramref name="ex"/> is the SDK's own failure to read a reference image while it wrote the body.</summary>
    private static bool IsOwnSourceFailure(IWrittenBody? body, Exception ex) =>
        body is MultipartGenerationContent { SourceFailure: { } failure } && (ReferenceEquals(ex, failure) || ReferenceEquals(ex.InnerException, failure));

    /// <summary>Whether the <see cref="HttpClient"/> or its handler was disposed (by its owner), not, say, the caller's destination stream.</summary>
    private static bool IsHttpClientDisposed(Exception ex) =>
        ex is ObjectDisposedException { ObjectName: { } name } && name.StartsWith("System.Net.Http.", StringComparison.Ordinal);

    /// <summary>
    /// The exception for a call the network, its time limit or a disposal ended. A disposed client
    /// (or a disposed <see cref="HttpClient"/>) is said to be one, never a timeout.
    /// </summary>
    /// <remarks><paramref name="generationId"/> names a job learnt while the call ran (a charged submit's answer that broke off after its id); else the call's own.</remarks>
    private GptImageHubException Failure(ApiCall call, CallTimeout timeout, Exception ex, bool requestSent, HttpStatusCode? status = null, TimeSpan? retryAfter = null, string? generationId = null, bool writtenBefore = false)
    {
        generationId ??= call.GenerationId;
        if (IsDisposed || IsHttpClientDisposed(ex))
        {
            // What ended the call may be the handler's quote of an answer line that echoes the key, as in TransportFailure.
            return Disposed(call, requestSent, httpClientDisposed: !IsDisposed, SecretRedaction.Redact(ex, _settings.ApiKey), generationId);
        }

        return TransportFailure(call, timeout, ex, status, retryAfter, generationId, _settings.ApiKey, writtenBefore);
    }

    private static ClientDisposedException Disposed(ApiCall call, bool requestSent, bool httpClientDisposed, Exception? innerException, string? generationId = null) =>
        ChargeClassifier.Describe(
            ClientDisposedException.Create(call.Method + " " + call.Path, generationId ?? call.GenerationId, requestSent, httpClientDisposed, innerException),
            call.IsChargedSubmit);

    /// <summary>
    /// What the caller's own cancellation (or a defect) leaves as: a cancellation names the caller's
    /// token, not the linked one the SDK stopped the call with (as <see cref="HttpClient"/> does), and
    /// once a submit's answer named its job, <see cref="GenerationCanceledException"/> names that job.
    /// A defect leaves as it is, with its stack.
    /// </summary>
    private Exception CallerStopped(Exception ex, string? generationId, CancellationToken cancellationToken)
    {
        if (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
        }

        // HttpClient turns a failure it saw after the cancellation into its own cancellation with that failure inside: a
        // handler's quote of an answer line that echoes the key, as in TransportFailure.
        ex = SecretRedaction.Redact(ex, _settings.ApiKey);

        if (generationId is not null)
        {
            return GenerationCanceledException.AfterSubmit(generationId, ex, cancellationToken);
        }

#if NET
        return new TaskCanceledException(ex.Message, ex, cancellationToken);
#else
        return new OperationCanceledException(ex.Message, ex, cancellationToken);
#endif
    }

    /// <summary>
    /// The transport's message with the reason it points to: <c>HttpClient</c> says "The SSL connection could not be
    /// established, see inner exception.", and a one-line report (gih's, the quickstart's, a log's) shows no inner
    /// exception, so the reason (an https address to a plain-http server, a certificate refused) is put in its place.
    /// </summary>
    private static string WithInnerReason(Exception ex)
    {
        const string SeeInner = ", see inner exception.";
        var message = ex.Message;
        return ex.InnerException is { } inner && message.EndsWith(SeeInner, StringComparison.Ordinal)
            ? message.Remove(message.Length - SeeInner.Length) + ": " + WithInnerReason(inner)
            : message;
    }

    /// <summary>
    /// The likeliest cause of a TLS handshake that failed on an <c>https://</c> address: the server speaks plain HTTP (the
    /// emulator, a local proxy), so what came back was no TLS record. Said only for that case; the address itself is not
    /// repeated (the message's reader has it, and it may carry the key).
    /// </summary>
    private static string PlainHttpHint(ApiCall call, Exception ex) =>
        call.Uri.IsAbsoluteUri && call.Uri.Scheme == Uri.UriSchemeHttps && IsTlsHandshakeFailure(ex)
            ? " If that server speaks plain HTTP (as the emulator does), the address needs http:// instead of https://."
            : string.Empty;

    private static bool IsTlsHandshakeFailure(Exception ex) =>
#if NET
        ExceptionCauses.Find<HttpRequestException>(ex, request => request.HttpRequestError == HttpRequestError.SecureConnectionError) is not null ||
#endif
        ExceptionCauses.Find<System.Security.Authentication.AuthenticationException>(ex) is not null;

    /// <summary>
    /// What a 404 on the models, credits or submit path means: these paths always exist at the service's root, so the base
    /// address is wrong (most often it carries the API's own path, <c>.../api/v1/</c>). Said in the message, since the
    /// service's bare "Not found" names no generation and nothing to change. A generation's read (its id) and a download
    /// (another origin) get no note: there the 404 is about the thing asked for. A submit's 404 may also be about what it
    /// names (the service calls any missing resource notFound, a model among them), so its note says both.
    /// </summary>
    private string? MissingEndpoint(ApiCall call, HttpStatusCode status) =>
        status == HttpStatusCode.NotFound && call.OnApiOrigin && call.GenerationId is null
            ? string.Format(
                CultureInfo.InvariantCulture,
                call.Method == HttpMethod.Post
                    ? "{0} {1} was not found at the base address {2}: the model may not exist, or the address is not the service's root (such as {3}) but an API path"
                    : "{0} {1} does not exist at the base address {2}, which must be the service's root (such as {3}), not an API path",
                call.Method,
                call.Path,
                _settings.ShownBaseAddress,
                GptImageHubClientOptions.DefaultBaseAddress)
            : null;

    private static GptImageHubConnectionException TransportFailure(ApiCall call, CallTimeout? timeout, Exception ex, HttpStatusCode? status, TimeSpan? retryAfter, string? generationId, string? apiKey, bool writtenBefore = false)
    {
        var target = call.Method + " " + call.Path;
        if (ex is OperationCanceledException)
        {
            var limit = timeout is { TimedOut: true } ? call.Timeout : (TimeSpan?)null;
            var reading = status is { } s
                ? string.Format(CultureInfo.InvariantCulture, " reading the body of its HTTP {0} answer", (int)s)
                : string.Empty;
            var message = limit is { } l
                ? string.Format(CultureInfo.InvariantCulture, "{0} timed out after {1:0.###} s{2} ({3}).", target, l.TotalSeconds, reading, call.TimeoutSetting)
                : string.Format(CultureInfo.InvariantCulture, "{0} timed out{1} (HttpClient.Timeout).", target, reading);
            return ChargeClassifier.Describe(
                new GptImageHubConnectionException(message, status, errorCode: null, generationId, new TimeoutException(message, ex)) { RetryAfter = retryAfter },
                call.IsChargedSubmit);
        }

        // Judged on the chain as thrown: the masked copy below need not keep its exception types.
        var hint = PlainHttpHint(call, ex);

        // The handler quotes what it could not parse; a server that echoes the key there must not put it in the message.
        // The whole chain is masked, so the reasons WithInnerReason takes from it need no second pass.
        ex = SecretRedaction.Redact(ex, apiKey);
        return ChargeClassifier.Describe(
            new GptImageHubConnectionException(
                string.Format(CultureInfo.InvariantCulture, "{0} failed: {1}{2}", target, WithInnerReason(ex), hint),
                statusCode: null,
                errorCode: null,
                generationId,
                ex) { RetryAfter = retryAfter, WrittenBefore = writtenBefore },
            call.IsChargedSubmit);
    }

    /// <summary>
    /// The first attempt's outcome, handed to Polly once as the outcome of its own first attempt, and the last attempt's,
    /// returned as it is when a stop before sending ends the retries.
    /// </summary>
    private sealed class FirstOutcome<TOutcome>
    {
        private TOutcome? _outcome;
        private bool _taken;

        public FirstOutcome(TOutcome outcome)
        {
            _outcome = outcome;
            Last = outcome;
        }

        /// <summary>The outcome of the last attempt made.</summary>
        public TOutcome Last { get; private set; }

        /// <summary>Awaits an attempt and keeps its outcome as the last.</summary>
        public async ValueTask<TOutcome> RecordAsync(ValueTask<TOutcome> attempt)
        {
            var outcome = await attempt.ConfigureAwait(false);
            Last = outcome;
            return outcome;
        }

        public bool TryTake(out TOutcome outcome)
        {
            outcome = _outcome!;
            if (_taken)
            {
                return false;
            }

            _taken = true;
            _outcome = default;
            return true;
        }
    }

    /// <summary>
    /// A charged POST that a 307 or 308 sent on after its body was written: no documented refusal, so the request before
    /// the redirect may have been charged. Possibly charged, never retried; the address is masked for the key.
    /// </summary>
    private InvalidResponseException RedirectedAfterBody(ApiCall call, string method, Uri redirectedTo, string what, HttpStatusCode? statusCode, string? generationId, Exception? inner)
    {
        var where = SecretRedaction.Redact(redirectedTo.IsAbsoluteUri ? redirectedTo.Authority + redirectedTo.AbsolutePath : redirectedTo.OriginalString, _settings.ApiKey);
        return ChargeClassifier.Describe(
            new InvalidResponseException(
                string.Format(CultureInfo.InvariantCulture, "The {0} request was redirected to '{1}' after its body was sent{2}", method, where, what),
                statusCode,
                errorCode: null,
                generationId,
                inner) { WrittenBefore = true },
            call.IsChargedSubmit);
    }

    /// <summary>A response whose body is still to be read, with the timeout that bounds the reading.</summary>
    private readonly struct SentResponse : IDisposable
    {
        public SentResponse(HttpResponseMessage message, CallTimeout timeout, Uri? copyRedirectedTo = null)
        {
            Message = message;
            Timeout = timeout;
            CopyRedirectedTo = copyRedirectedTo;
        }

        /// <summary>Where a consumer's copy of a charged POST was redirected, its body sent again; null when it was not.</summary>
        public Uri? CopyRedirectedTo { get; }

        public HttpResponseMessage Message { get; }

        public CallTimeout Timeout { get; }

        public CancellationToken Token => Timeout.Token;

        public void Dispose()
        {
            Message.Dispose();
            Timeout.Dispose();
        }
    }
}
