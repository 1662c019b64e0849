using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Admin;

/// <summary>
/// Keeps the admin API and the dashboard to this machine: a request from another address, or one
/// that names a host other than a loopback one (a DNS-rebinding page in a browser), gets 403, unless
/// <see cref="EmulatorOptions.AllowRemoteAdmin"/> says otherwise.
/// </summary>
internal static class AdminGuard
{
    public static void Use(IApplicationBuilder app, EmulatorState state) =>
        app.Use((context, next) =>
        {
            if (!state.Options.AllowRemoteAdmin && IsAdminPath(context.Request.Path) && !IsLocal(context))
            {
                return AdminRoutes.ErrorAsync(context, StatusCodes.Status403Forbidden, "forbidden", "The admin API and the dashboard answer only loopback requests to a loopback host (EmulatorOptions.AllowRemoteAdmin).");
            }

            return next(context);
        });

    // In any case: routing matches "/_EMULATOR/v1/keys" as "/_emulator/v1/keys", so a guard that
    // matched one case only let a rebound page create funded keys by writing the path in another.
    public static bool IsAdminPath(PathString path) =>
        path == "/" || path.StartsWithSegments(AdminRoutes.Prefix, StringComparison.OrdinalIgnoreCase);

    public static bool IsLocal(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
        {
            return false;
        }

        var host = context.Request.Host.Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
