using System.Text.Json;
using GptImageHub.Emulator.Endpoints;
using GptImageHub.Emulator.Faults;
using GptImageHub.Emulator.Json;

namespace GptImageHub.Emulator;

/// <summary>
/// Injects the failures a client must survive: error statuses, latency, dropped connections and
/// generations that fail or deliver fewer images. Each fault serves the next matching requests
/// and is then used up. All members are thread-safe.
/// </summary>
/// <remarks>
/// A request takes at most one latency fault and one response fault (status or drop). For a
/// generation request, response faults apply after its body is read and recorded in
/// <see cref="EmulatorLedger.GenerationRequests"/>, so a test can still count the attempts.
/// </remarks>
public sealed class EmulatorFaults
{
    private readonly FaultQueue<TimeSpan> _latency = new();
    private readonly FaultQueue<ResponseFault> _responses = new();
    private readonly FaultQueue<GenerationFault> _generations = new();

    internal EmulatorFaults()
    {
    }

    /// <summary>How many fault uses are still waiting, over all kinds.</summary>
    public int PendingCount => _latency.Pending + _responses.Pending + _generations.Pending;

    /// <summary>
    /// Answers the next requests with a status and, when <paramref name="errorCode"/> is set, the
    /// documented error body; with neither code nor message the body is empty (as a bare 503 from a proxy).
    /// </summary>
    /// <param name="statusCode">The HTTP status, such as 500, 429 or 503.</param>
    /// <param name="errorCode">The <c>error.code</c>, such as <c>generationFailed</c>; null for no JSON body unless <paramref name="message"/> is set.</param>
    /// <param name="message">The <c>error.message</c>; a default is used when only the code is given.</param>
    /// <param name="count">How many requests get this answer; at least 1.</param>
    /// <param name="endpoint">The only endpoint affected; null for any.</param>
    /// <param name="retryAfter">When set, a <c>Retry-After</c> header in whole seconds.</param>
    /// <param name="afterProcessing">
    /// False to answer instead of handling the request; true to handle it first (a generation is
    /// charged and runs) and answer with the error anyway, as a gateway that times out in front of a
    /// healthy service does.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 100 to 599, <paramref name="count"/> is below 1, or <paramref name="retryAfter"/> is negative.</exception>
    public void FailNext(int statusCode, string? errorCode = null, string? message = null, int count = 1, EmulatorEndpoint? endpoint = null, TimeSpan? retryAfter = null, bool afterProcessing = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (retryAfter is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(retryAfter));
        }

        string? body = null;
        if (errorCode is not null || message is not null)
        {
            var code = errorCode ?? string.Empty;
            var envelope = new ErrorEnvelopeWire(new ErrorWire(message ?? ApiErrorCodes.DefaultMessage(code), code));
            body = JsonSerializer.Serialize(envelope, EmulatorJsonContext.Default.ErrorEnvelopeWire);
        }

        _responses.Add(new ResponseFault(statusCode, body, body is null ? null : "application/json; charset=utf-8", retryAfter, DropMoment.None, afterProcessing), count, endpoint);
    }

    /// <summary>Answers the next requests with any body, such as a proxy's HTML error page or text that is not JSON.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body, sent as UTF-8.</param>
    /// <param name="contentType">The <c>Content-Type</c> of the body.</param>
    /// <param name="count">How many requests get this answer; at least 1.</param>
    /// <param name="endpoint">The only endpoint affected; null for any.</param>
    /// <param name="afterProcessing">True to handle the request first (a generation is charged and runs) and then answer with this body, as a proxy's error page after the service accepted the job.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> or <paramref name="contentType"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 100 to 599 or <paramref name="count"/> is below 1.</exception>
    public void RespondNext(int statusCode, string body, string contentType = "text/html; charset=utf-8", int count = 1, EmulatorEndpoint? endpoint = null, bool afterProcessing = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _responses.Add(new ResponseFault(statusCode, body, contentType, null, DropMoment.None, afterProcessing), count, endpoint);
    }

    /// <summary>Holds the next requests for an extra time (measured by the emulator's time provider) before handling them.</summary>
    /// <param name="delay">The added latency.</param>
    /// <param name="count">How many requests are delayed; at least 1.</param>
    /// <param name="endpoint">The only endpoint affected; null for any.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or <paramref name="count"/> is below 1.</exception>
    public void DelayNext(TimeSpan delay, int count = 1, EmulatorEndpoint? endpoint = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _latency.Add(delay, count, endpoint);
    }

    /// <summary>Aborts the connection of the next requests instead of answering them.</summary>
    /// <param name="count">How many requests are dropped; at least 1.</param>
    /// <param name="endpoint">The only endpoint affected; null for any.</param>
    /// <param name="afterProcessing">
    /// False to drop before anything happens; true to handle the request first (a generation is
    /// charged and runs) and drop only the answer, as a lost response would.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public void DropNext(int count = 1, EmulatorEndpoint? endpoint = null, bool afterProcessing = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _responses.Add(ResponseFault.Dropped(afterProcessing ? DropMoment.AfterProcessing : DropMoment.BeforeProcessing), count, endpoint);
    }

    /// <summary>Makes the next accepted generations fail: their credits are refunded in full and they end <c>failed</c> (a synchronous one answers 500 <c>generationFailed</c>).</summary>
    /// <param name="count">How many generations fail; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public void FailNextGeneration(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _generations.Add(new GenerationFault(0), count, null);
    }

    /// <summary>Makes the next accepted generations deliver fewer images than asked; the missing ones are refunded.</summary>
    /// <param name="imagesDelivered">The images each delivers; 0 makes it fail. A value at or above the request's <c>n</c> changes nothing.</param>
    /// <param name="count">How many generations are affected; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="imagesDelivered"/> is negative or <paramref name="count"/> is below 1.</exception>
    public void DeliverFewerImagesNext(int imagesDelivered, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imagesDelivered);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _generations.Add(new GenerationFault(imagesDelivered), count, null);
    }

    /// <summary>Forgets every fault still waiting.</summary>
    public void Clear()
    {
        _latency.Clear();
        _responses.Clear();
        _generations.Clear();
    }

    /// <summary>Every fault still waiting: latency first, then answers, then generation outcomes, as a request meets them.</summary>
    internal IReadOnlyList<PendingFault> Describe() =>
        [
            .. _latency.Describe(FaultDescriptions.Delay),
            .. _responses.Describe(FaultDescriptions.Response),
            .. _generations.Describe(FaultDescriptions.Generation),
        ];

    internal bool TryTakeLatency(EmulatorEndpoint endpoint, out TimeSpan delay) => _latency.TryTake(endpoint, out delay);

    internal bool TryTakeResponseFault(EmulatorEndpoint endpoint, out ResponseFault fault) => _responses.TryTake(endpoint, out fault);

    internal bool TryTakeGenerationFault(out GenerationFault fault) => _generations.TryTake(EmulatorEndpoint.CreateGeneration, out fault);
}
