using GptImageHub.Emulator.Json;
using GptImageHub.Emulator.Keys;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>The documented error body with its status, and the other answers every endpoint shares.</summary>
internal static class ApiResults
{
    public static IResult Error(int statusCode, string code, string message) =>
        Results.Json(new ErrorEnvelopeWire(new ErrorWire(message, code)), EmulatorJsonContext.Default.ErrorEnvelopeWire, statusCode: statusCode);

    public static IResult InvalidRequest(string message) =>
        Error(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, message);

    public static IResult Unauthorized(Authentication authentication) =>
        Error(StatusCodes.Status401Unauthorized, authentication.ErrorCode!, authentication.ErrorMessage!);

    public static IResult NotFound(string message) =>
        Error(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, message);

    public static Authentication Authenticate(HttpContext context, EmulatorState state) =>
        state.Keys.Authenticate(context.Request.Headers.Authorization.ToString(), state.Time.GetUtcNow());
}
