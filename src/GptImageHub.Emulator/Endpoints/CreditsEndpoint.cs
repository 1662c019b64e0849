using GptImageHub.Emulator.Json;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary><c>GET /api/v1/credits</c>: the balance of the key's owner.</summary>
internal static class CreditsEndpoint
{
    public static Task HandleAsync(HttpContext context, EmulatorState state) =>
        FaultPipeline.RunAsync(context, EmulatorEndpoint.Credits, state, _ => Task.FromResult(Handle(context, state)));

    private static IResult Handle(HttpContext context, EmulatorState state)
    {
        var authentication = ApiResults.Authenticate(context, state);
        if (!authentication.Succeeded)
        {
            return ApiResults.Unauthorized(authentication);
        }

        var balance = WireMapper.Balance(state.Ledger.GetAccount(authentication.UserId!));
        return Results.Json(balance, EmulatorJsonContext.Default.BalanceWire);
    }
}
