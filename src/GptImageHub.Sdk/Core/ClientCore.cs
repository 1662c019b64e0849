using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GptImageHub.Sdk.Core;

/// <summary>
/// What every client with the same settings shares: the validated settings, the logger, the retry
/// pipelines and the <c>/models</c> cache. Built once per options version; a client is a thin shell
/// over it and an <see cref="HttpClient"/>, so resolving one per DI scope costs a few small objects
/// (see docs/benchmarks.md, "Resolving a client from DI") and the price list is fetched once per
/// <c>ModelCacheDuration</c>, not once per scope.
/// </summary>
internal sealed class ClientCore
{
    public ClientCore(ClientSettings settings, ILoggerFactory? loggerFactory)
    {
        Settings = settings;
        // A consumer's logger is guarded: a log line written after a charged POST must not end the call without its id.
        Logger = loggerFactory is null ? NullLogger.Instance : new GuardedLogger(loggerFactory.CreateLogger(GptImageHubTelemetry.SourceName));
        Retry = new RetryStrategy(settings.MaxRetries, settings.TimeProvider, Logger);
        Models = new ModelCache(settings.TimeProvider, settings.ModelCacheDuration);
    }

    public ClientSettings Settings { get; }

    public ILogger Logger { get; }

    public RetryStrategy Retry { get; }

    public ModelCache Models { get; }
}
