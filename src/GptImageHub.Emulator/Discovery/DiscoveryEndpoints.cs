using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GptImageHub.Emulator.Discovery;

/// <summary>
/// The discovery documents the real service names: <c>/api/health</c>, <c>/.well-known/api-catalog</c>
/// (an RFC 9727 linkset) and <c>/openapi.json</c>, the repository's one written contract, embedded
/// from <c>docs/openapi.json</c>.
/// </summary>
internal static class DiscoveryEndpoints
{
    public const string CatalogPath = "/.well-known/api-catalog";
    public const string OpenApiPath = "/openapi.json";
    public const string HealthPath = "/api/health";
    public const string CatalogContentType = "application/linkset+json; profile=\"https://www.rfc-editor.org/info/rfc9727\"";
    public const string OpenApiContentType = "application/vnd.oai.openapi+json;version=3.1";
    public const string HealthContentType = "application/health+json";

    private static readonly Lazy<byte[]> OpenApiDocument = new(() => EmbeddedFiles.Read("openapi.json"));

    public static void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapMethods(HealthPath, ["GET", "HEAD"], context =>
            WriteAsync(context, HealthContentType, """{"status":"pass"}"""u8.ToArray()));
        routes.MapMethods(OpenApiPath, ["GET", "HEAD"], context =>
            WriteAsync(context, OpenApiContentType, OpenApiDocument.Value));
        routes.MapMethods(CatalogPath, ["GET", "HEAD"], context =>
        {
            var api = state.BaseFor(context.Request);
            context.Response.Headers.Link = $"<{new Uri(api, CatalogPath.TrimStart('/')).AbsoluteUri}>; rel=\"api-catalog\"";
            return WriteAsync(context, CatalogContentType, Catalog(api));
        });
    }

    /// <summary>The linkset: one anchor (the v1 API) with its description, its status and its documentation.</summary>
    private static byte[] Catalog(Uri api)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("linkset");
            writer.WriteStartObject();
            writer.WriteString("anchor", new Uri(api, "api/v1/").AbsoluteUri);
            Link(writer, "service-desc", new Uri(api, OpenApiPath.TrimStart('/')), OpenApiContentType);
            Link(writer, "status", new Uri(api, HealthPath.TrimStart('/')), HealthContentType);
            Link(writer, "service-doc", api, "text/html");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Link(Utf8JsonWriter writer, string relation, Uri href, string type)
    {
        writer.WriteStartArray(relation);
        writer.WriteStartObject();
        writer.WriteString("href", href.AbsoluteUri);
        writer.WriteString("type", type);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static async Task WriteAsync(HttpContext context, string contentType, byte[] body)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
