using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>
/// Two origins, as in production: the CDN port serves only <c>/cdn/</c>, and the API port never does.
/// A client that builds image URLs from the API's address, or sends API calls to the CDN, fails here as it would there.
/// </summary>
internal static class CdnOrigin
{
    private static readonly PathString CdnPath = new("/cdn");

    // In any case, as routing matches: "/CDN/..." on the API port would otherwise be served.
    public static void Use(IApplicationBuilder app, EmulatorState state) =>
        app.Use((context, next) =>
        {
            var onCdn = state.CdnAddress is { } cdn && context.Connection.LocalPort == cdn.Port;
            if (onCdn != context.Request.Path.StartsWithSegments(CdnPath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
}
