using System.Text.RegularExpressions;
using GptImageHub.Emulator.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Journal;

/// <summary>
/// The request log of the admin API and the dashboard: every request to the service's paths and the
/// CDN, newest kept, with the fault that applied and whether it charged. The admin API and the
/// dashboard's own requests are left out, so that watching the log does not fill it.
/// </summary>
internal sealed partial class RequestJournal
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

    // In any case: routing matches "/API/v1/images/generations" too, and a charged POST missing from
    // the log would hide a double charge from a test that counts POSTs there.
    private static bool IsRecorded(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/cdn", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/.well-known", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/openapi.json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A key sent in a URL (a script that puts it in the query, or in a path) is shown as the hint the
    /// accounts list shows, never in full: the log is served to the admin API and the dashboard. The
    /// query is matched as sent, so an escaped underscore (<c>%5F</c>) is caught too.
    /// </summary>
    internal static string HideKeys(string url) =>
        url.Contains("live", StringComparison.OrdinalIgnoreCase) ? KeyInUrl().Replace(url, static m => ApiKeyStore.KeyPrefix + m.Groups["start"].Value + "…") : url;

    [GeneratedRegex(@"gih(?:_|%5F)live(?:_|%5F)(?<start>[A-Za-z0-9]{0,4})[A-Za-z0-9]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyInUrl();

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
                HideKeys(context.Request.Path.Value + context.Request.QueryString.Value),
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
