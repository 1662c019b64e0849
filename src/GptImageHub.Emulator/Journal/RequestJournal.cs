using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Journal;

/// <summary>
/// The request log of the admin API and the dashboard: every request to the service's paths and the
/// CDN, newest kept, with the fault that applied and whether it charged. The admin API and the
/// dashboard's own requests are left out, so that watching the log does not fill it.
/// </summary>
internal sealed class RequestJournal
{
    /// <summary>The records kept; older ones are forgotten so that a long session stays small.</summary>
    public const int Capacity = 1000;

    private readonly Lock _gate = new();
    private readonly Queue<RequestRecord> _records = new();
    private long _sequence;

    /// <summary>Rises with every record, so a reader can tell that something changed.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>The records kept, newest first.</summary>
    public IReadOnlyList<RequestRecord> Newest(int limit)
    {
        lock (_gate)
        {
            return [.. _records.Reverse().Take(limit)];
        }
    }

    public static void Use(IApplicationBuilder app, EmulatorState state) =>
        app.Use(async (context, next) =>
        {
            if (!IsRecorded(context.Request.Path))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var notes = new RequestNotes();
            context.Features.Set(notes);
            var arrived = state.Time.GetUtcNow();
            var started = state.Time.GetTimestamp();

            // Recorded as the answer starts, not after it: a client that reads the log as soon as it
            // has its answer must find the request there. Latency is therefore time to the first byte.
            context.Response.OnStarting(() =>
            {
                state.Journal.Add(context, notes, arrived, state.Time.GetElapsedTime(started), state);
                return Task.CompletedTask;
            });
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                // A dropped connection never starts an answer; neither has a status-only one yet.
                state.Journal.Add(context, notes, arrived, state.Time.GetElapsedTime(started), state);
            }
        });

    private static bool IsRecorded(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.Ordinal)
        || path.StartsWithSegments("/cdn", StringComparison.Ordinal)
        || path.StartsWithSegments("/.well-known", StringComparison.Ordinal)
        || path.Equals("/openapi.json", StringComparison.Ordinal);

    private void Add(HttpContext context, RequestNotes notes, DateTimeOffset arrived, TimeSpan latency, EmulatorState state)
    {
        if (Interlocked.Exchange(ref notes.Recorded, 1) != 0)
        {
            return;
        }

        var lost = notes.Dropped || context.RequestAborted.IsCancellationRequested;
        int? status = lost ? null : context.Response.StatusCode;
        var possiblyCharged = notes.GenerationId is not null && (lost || notes.AnswerReplaced || status is < 200 or >= 300);
        var origin = state.CdnAddress is { } cdn && context.Connection.LocalPort == cdn.Port ? "cdn" : "api";
        lock (_gate)
        {
            _records.Enqueue(new RequestRecord(
                ++_sequence,
                arrived,
                origin,
                context.Request.Method,
                context.Request.Path.Value + context.Request.QueryString.Value,
                status,
                Math.Round(latency.TotalMilliseconds, 1),
                notes.Fault,
                notes.GenerationId,
                possiblyCharged,
                context.Request.Headers.Authorization.Count > 0));
            if (_records.Count > Capacity)
            {
                _records.Dequeue();
            }
        }
    }
}
