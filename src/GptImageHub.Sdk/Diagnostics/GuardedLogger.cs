using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk.Diagnostics;

/// <summary>
/// The consumer's logger, kept from failing a call. The SDK writes log lines after a charged POST answered,
/// with the job's id in hand ("Submitted generation {id}", "Generation {id} succeeded"); a provider that throws
/// there (a file logger on a full disk, passed on by Microsoft's LoggerFactory as an AggregateException) ended
/// the call with its own exception and no id, so a batch could not resume the paid job and a caller lost images
/// already paid for. A log line that fails is dropped: a log line must never cost a paid job.
/// </summary>
internal sealed class GuardedLogger : ILogger
{
    private readonly ILogger _inner;

    public GuardedLogger(ILogger inner) => _inner = inner;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        try
        {
            return _inner.BeginScope(state);
        }
        catch (Exception)
        {
            return null;
        }
    }

    public bool IsEnabled(LogLevel logLevel)
    {
        try
        {
            return _inner.IsEnabled(logLevel);
        }
        catch (Exception)
        {
            return false;
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
        catch (Exception)
        {
            // Dropped: see the class remarks.
        }
    }
}
