using System.Globalization;
using Microsoft.AspNetCore.Builder;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>One line per request for the stand-alone program, where a person watches the console; tests leave it off.</summary>
internal static class RequestLog
{
    public static void Use(IApplicationBuilder app, Action<string> write) =>
        app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            var outcome = context.RequestAborted.IsCancellationRequested
                ? "connection dropped"
                : context.Response.StatusCode.ToString(CultureInfo.InvariantCulture);
            // The console is watched and often pasted: a key sent in a URL shows as its hint, as in the admin request log.
            write($"{context.Request.Method} {Journal.RequestJournal.HideKeys(context.Request.Path.ToString() + context.Request.QueryString)} -> {outcome}");
        });
}
