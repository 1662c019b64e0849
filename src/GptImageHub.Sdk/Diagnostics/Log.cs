using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk.Diagnostics;

/// <summary>
/// The SDK's log messages, source-generated so a disabled level costs nothing. They carry method,
/// path, status, duration and generation id; never the key, and the prompt only at Trace.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Sending {Method} {Path} (generation {GenerationId})")]
    public static partial void RequestStarting(ILogger logger, string method, string path, string? generationId);

    [LoggerMessage(2, LogLevel.Debug, "{Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:0.#} ms (generation {GenerationId})")]
    public static partial void RequestCompleted(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds, string? generationId);

    [LoggerMessage(3, LogLevel.Warning, "{Method} {Path} failed after {ElapsedMilliseconds:0.#} ms with {ErrorType} (generation {GenerationId})")]
    public static partial void RequestFailed(ILogger logger, string method, string path, double elapsedMilliseconds, string errorType, string? generationId);

    [LoggerMessage(4, LogLevel.Warning, "Retrying {Method} {Path} in {DelayMilliseconds:0} ms after {ErrorType} (retry {Attempt})")]
    public static partial void Retrying(ILogger logger, string method, string path, double delayMilliseconds, string errorType, int attempt);

    [LoggerMessage(5, LogLevel.Information, "Submitted generation {GenerationId} on {Model}, status {Status}")]
    public static partial void GenerationSubmitted(ILogger logger, string generationId, string? model, string status);

    [LoggerMessage(6, LogLevel.Trace, "Prompt for {Model}: {Prompt}")]
    public static partial void GenerationPrompt(ILogger logger, string model, string prompt);

    [LoggerMessage(7, LogLevel.Debug, "Generation {GenerationId} is {Status} after {Polls} polls")]
    public static partial void GenerationStatusChanged(ILogger logger, string generationId, string status, int polls);

    [LoggerMessage(8, LogLevel.Information, "Generation {GenerationId} succeeded with {Images} images for {Credits} credits in {ElapsedSeconds:0.##} s")]
    public static partial void GenerationSucceeded(ILogger logger, string generationId, int images, int credits, double elapsedSeconds);

    [LoggerMessage(9, LogLevel.Warning, "Generation {GenerationId} ended with {ErrorType} after {ElapsedSeconds:0.##} s")]
    public static partial void GenerationEnded(ILogger logger, string generationId, string errorType, double elapsedSeconds);

    [LoggerMessage(12, LogLevel.Warning, "Generation request for {Model} failed with {ErrorType} before the service returned a job id")]
    public static partial void GenerationNotSubmitted(ILogger logger, string? model, string errorType);

    [LoggerMessage(10, LogLevel.Information, "Batch of {Items} items starting: {Journaled} known from the journal, at most {MaxConcurrency} at once")]
    public static partial void BatchStarting(ILogger logger, int items, int journaled, int maxConcurrency);

    [LoggerMessage(11, LogLevel.Information, "Batch of {Items} items ended ({Outcome}); at most {PeakInFlight} were in flight")]
    public static partial void BatchEnded(ILogger logger, int items, int peakInFlight, string outcome);

    [LoggerMessage(13, LogLevel.Warning, "A batch submit failed with {ErrorType} after the service named generation {GenerationId}; the batch follows it by id")]
    public static partial void BatchSubmitFailedAfterId(ILogger logger, string generationId, string errorType);

    [LoggerMessage(14, LogLevel.Warning, "A batch item's submit paid for generations {GenerationIds}, not only the one its client returned ({GenerationId}); the item is reported unknown and never submitted again")]
    public static partial void BatchSubmitPaidSeveral(ILogger logger, string generationId, string generationIds);

    [LoggerMessage(15, LogLevel.Warning, "The batch store offered item {Key} ({ClaimKind}) again while this run was still working on it; the repeat is ignored, so the item is never submitted twice")]
    public static partial void BatchClaimRepeated(ILogger logger, string key, string claimKind);
}
