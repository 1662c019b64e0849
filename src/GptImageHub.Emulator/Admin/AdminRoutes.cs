using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Emulator.Endpoints;
using GptImageHub.Emulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace GptImageHub.Emulator.Admin;

/// <summary>
/// The admin API under <c>/_emulator/v1/</c>, a prefix the service's own paths (<c>/api/</c>, <c>/cdn/</c>,
/// <c>/.well-known/</c>) cannot collide with: create keys, read balances, the ledger, generations and the
/// request log, and inject faults, from any language. Every answer is JSON, errors in the service's own
/// shape <c>{"error":{"message","code"}}</c>; a refused request changes nothing.
/// </summary>
internal static class AdminRoutes
{
    public const string Prefix = "/_emulator";

    /// <summary>The largest body accepted: a fault with a proxy's error page fits; anything bigger is a mistake or an attack.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        Route(routes, "v1/state", get: context => WriteAsync(context, AdminSnapshots.State(state), AdminJsonContext.Default.StateWire));
        Route(routes, "v1/accounts", get: context => WriteAsync(context, new ListWire<AccountWire>(AdminSnapshots.Accounts(state)), AdminJsonContext.Default.ListWireAccountWire));
        Route(routes, "v1/keys", post: context => CreateKeyAsync(context, state));
        Route(routes, "v1/ledger", get: context => WriteAsync(context, new ListWire<LedgerEntryWire>(AdminSnapshots.Ledger(state)), AdminJsonContext.Default.ListWireLedgerEntryWire));
        Route(routes, "v1/generations", get: context => WriteAsync(context, new ListWire<GenerationSummaryWire>(AdminSnapshots.Generations(state)), AdminJsonContext.Default.ListWireGenerationSummaryWire));
        Route(routes, "v1/requests", get: context => WriteAsync(context, new ListWire<RequestWire>(AdminSnapshots.Requests(state)), AdminJsonContext.Default.ListWireRequestWire));
        Route(
            routes,
            "v1/faults",
            get: context => WriteAsync(context, AdminSnapshots.Faults(state), AdminJsonContext.Default.FaultsWire),
            post: context => AddFaultAsync(context, state),
            delete: context =>
            {
                state.Faults.Clear();
                return WriteAsync(context, AdminSnapshots.Faults(state), AdminJsonContext.Default.FaultsWire);
            });
        routes.Map(Prefix + "/{**path}", context => ErrorAsync(context, StatusCodes.Status404NotFound, "not_found", $"No admin endpoint at {context.Request.Path}."));
    }

    private static void Route(IEndpointRouteBuilder routes, string path, Func<HttpContext, Task>? get = null, Func<HttpContext, Task>? post = null, Func<HttpContext, Task>? delete = null)
    {
        var allowed = string.Join(", ", new[] { (get, "GET"), (post, "POST"), (delete, "DELETE") }.Where(m => m.Item1 is not null).Select(m => m.Item2));
        routes.Map(Prefix + "/" + path, context =>
        {
            var handler = context.Request.Method switch
            {
                "GET" => get,
                "POST" => post,
                "DELETE" => delete,
                _ => null,
            };
            if (handler is null)
            {
                context.Response.Headers.Allow = allowed;
                return ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "method_not_allowed", $"{context.Request.Method} is not allowed here; use {allowed}.");
            }

            return handler(context);
        });
    }

    private static async Task CreateKeyAsync(HttpContext context, EmulatorState state)
    {
        var (request, failed) = await ReadAsync(context, AdminJsonContext.Default.CreateKeyRequest).ConfigureAwait(false);
        if (failed)
        {
            return;
        }

        var credits = request!.Credits ?? 0;
        var accountType = request.AccountType ?? GptImageHubEmulator.DefaultAccountType;
        if (credits < 0)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "'credits' must be zero or more.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(accountType))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "'account_type' must not be empty.").ConfigureAwait(false);
            return;
        }

        var (key, userId) = state.CreateApiKey(credits, accountType, request.ExpiresAt);
        var created = new CreatedKeyWire(key, userId, credits, accountType, request.ExpiresAt is { } at ? WireMapper.Timestamp(at) : null);
        await WriteAsync(context, created, AdminJsonContext.Default.CreatedKeyWire, StatusCodes.Status201Created).ConfigureAwait(false);
    }

    private static async Task AddFaultAsync(HttpContext context, EmulatorState state)
    {
        var (request, failed) = await ReadAsync(context, AdminJsonContext.Default.FaultRequest).ConfigureAwait(false);
        if (failed)
        {
            return;
        }

        if (FaultCommand.TryApply(request!, state.Faults) is { } problem)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_fault", problem).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, AdminSnapshots.Faults(state), AdminJsonContext.Default.FaultsWire, StatusCodes.Status201Created).ConfigureAwait(false);
    }

    /// <summary>Reads a JSON object body, or answers the error itself: 415 for another media type, 413 past the limit, 400 for anything that is not the expected object.</summary>
    private static async Task<(T? Value, bool Failed)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            // Also what keeps another web page from posting here: a cross-site form cannot send application/json without a CORS preflight, which the emulator never grants.
            await ErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON (Content-Type: application/json).").ConfigureAwait(false);
            return (null, true);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {MaxBodyBytes} bytes.").ConfigureAwait(false);
            return (null, true);
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {MaxBodyBytes} bytes.").ConfigureAwait(false);
            return (null, true);
        }

        try
        {
            if (JsonSerializer.Deserialize(buffer.AsSpan(0, length), typeInfo) is { } value)
            {
                return (value, false);
            }

            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_json", "The body must be a JSON object.").ConfigureAwait(false);
        }
        catch (JsonException ex) when (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "unknown_field", $"Unknown field at {ex.Path}; the emulator's README lists the admin API's fields.").ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_json", $"The body is not a valid JSON object of the expected shape (at {ex.Path ?? "$"}, line {ex.LineNumber + 1}).").ConfigureAwait(false);
        }

        return (null, true);
    }

    private static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(value, typeInfo, statusCode: statusCode).ExecuteAsync(context);
    }

    public static Task ErrorAsync(HttpContext context, int statusCode, string code, string message)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new ErrorEnvelopeWire(new ErrorWire(message, code)), AdminJsonContext.Default.ErrorEnvelopeWire, statusCode: statusCode).ExecuteAsync(context);
    }
}
