using GptImageHub.Emulator.Catalog;
using GptImageHub.Emulator.Json;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary><c>GET /api/v1/models</c>: the model list, the one endpoint that needs no key.</summary>
internal static class ModelsEndpoint
{
    private static readonly ModelListWire Body = new([.. ModelCatalog.Models.Select(WireMapper.Model)]);

    public static Task HandleAsync(HttpContext context, EmulatorState state) =>
        FaultPipeline.RunAsync(context, EmulatorEndpoint.Models, state, _ =>
            Task.FromResult(Results.Json(Body, EmulatorJsonContext.Default.ModelListWire)));
}
