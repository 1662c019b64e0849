using GptImageHub.Emulator.Json;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>
/// <c>GET /api/v1/generations/{id}</c>: a generation and its images. Another user's generation
/// answers 404 like a missing one, so ids cannot be probed across accounts.
/// </summary>
internal static class GetGenerationEndpoint
{
    public static Task HandleAsync(HttpContext context, EmulatorState state) =>
        FaultPipeline.RunAsync(context, EmulatorEndpoint.GetGeneration, state, _ => Task.FromResult(Handle(context, state)));

    private static IResult Handle(HttpContext context, EmulatorState state)
    {
        var authentication = ApiResults.Authenticate(context, state);
        if (!authentication.Succeeded)
        {
            return ApiResults.Unauthorized(authentication);
        }

        var id = context.Request.RouteValues["generationId"] as string ?? string.Empty;
        var job = state.Store.Find(id);
        if (job is null || !string.Equals(job.UserId, authentication.UserId, StringComparison.Ordinal))
        {
            return ApiResults.NotFound("Generation not found");
        }

        state.Scheduler.Refresh(job);
        var body = WireMapper.Generation(job, job.Snapshot(), state.CdnFor(context.Request));
        return Results.Json(body, EmulatorJsonContext.Default.GenerationWire);
    }
}
