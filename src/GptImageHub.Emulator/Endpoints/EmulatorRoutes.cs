using GptImageHub.Emulator.Admin;
using GptImageHub.Emulator.Dashboard;
using GptImageHub.Emulator.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>
/// The emulator's routes: the four documented API endpoints, the discovery documents, the CDN, the
/// admin API, the dashboard and a JSON 404 for any other API path.
/// </summary>
internal static class EmulatorRoutes
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapGet("/api/v1/models", context => ModelsEndpoint.HandleAsync(context, state));
        routes.MapGet("/api/v1/credits", context => CreditsEndpoint.HandleAsync(context, state));
        routes.MapPost("/api/v1/images/generations", context => CreateGenerationEndpoint.HandleAsync(context, state));
        routes.MapGet("/api/v1/generations/{generationId}", context => GetGenerationEndpoint.HandleAsync(context, state));
        routes.MapGet("/cdn/generations/{userId}/{file}", context => ImageDownloadEndpoint.HandleAsync(context, state));
        DiscoveryEndpoints.Map(routes, state);
        AdminRoutes.Map(routes, state);
        DashboardEndpoints.Map(routes, state);
        routes.MapFallback("/api/{**path}", context => ApiResults.NotFound("Not found").ExecuteAsync(context));
    }
}
