using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GptImageHub.Emulator.Dashboard;

/// <summary>
/// The dashboard at the emulator's root: static HTML, CSS and JavaScript embedded in the assembly
/// (no build step, no CDN, works offline) that polls <c>/_emulator/v1/state</c>.
/// </summary>
internal static class DashboardEndpoints
{
    public const string AssetPrefix = "/_emulator/dashboard/";

    private static readonly FrozenDictionary<string, (string ContentType, Lazy<byte[]> Bytes)> Files = new Dictionary<string, (string, Lazy<byte[]>)>(StringComparer.Ordinal)
    {
        ["index.html"] = ("text/html; charset=utf-8", new(() => EmbeddedFiles.Read("dashboard/index.html"))),
        ["dashboard.css"] = ("text/css; charset=utf-8", new(() => EmbeddedFiles.Read("dashboard/dashboard.css"))),
        ["dashboard.js"] = ("text/javascript; charset=utf-8", new(() => EmbeddedFiles.Read("dashboard/dashboard.js"))),
        ["favicon.svg"] = ("image/svg+xml", new(() => EmbeddedFiles.Read("dashboard/favicon.svg"))),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapGet("/", context => ServeAsync(context, state, "index.html"));
        routes.MapGet(AssetPrefix + "{file}", context => ServeAsync(context, state, context.Request.RouteValues["file"] as string ?? string.Empty));
    }

    private static async Task ServeAsync(HttpContext context, EmulatorState state, string file)
    {
        if (!Files.TryGetValue(file, out var entry))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";

        // Only this page's own files and the CDN's thumbnails: nothing from outside, nothing inline.
        var cdn = (state.CdnAddress ?? state.BaseFor(context.Request)).GetLeftPart(UriPartial.Authority);
        headers.ContentSecurityPolicy = $"default-src 'self'; img-src 'self' {cdn}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        var bytes = entry.Bytes.Value;
        context.Response.ContentType = entry.ContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
