using System.Net;
using GptImageHub.Sdk.Benchmarks.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GptImageHub.Sdk.Benchmarks.Loopback;

/// <summary>
/// The smallest Kestrel app that answers like the service: one terminal middleware that writes
/// the seed bytes for the path, no routing, no logging, no auth. POSTs are read to the end and
/// discarded (the upload sink), then answered 202 with the queued seed. Its cost is the same
/// whichever client calls it, so it cancels out of the ratios.
/// </summary>
public static class SeedServer
{
    /// <summary>Runs in this process until stdin closes; prints the address first, for the parent to read.</summary>
    public static async Task ServeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });
        await using var app = builder.Build();
        app.Run(AnswerAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine(address);

        // The parent ends the server by closing its stdin, so a crashed parent leaves no server behind.
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        byte[] body;
        var path = context.Request.Path.Value ?? "";
        if (HttpMethods.IsPost(context.Request.Method))
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            body = SeedBodies.AsyncQueued;
        }
        else if (path.EndsWith("/credits", StringComparison.Ordinal))
        {
            body = SeedBodies.Credits;
        }
        else if (path.EndsWith("/models", StringComparison.Ordinal))
        {
            body = SeedBodies.Models;
        }
        else
        {
            body = SeedBodies.SyncSucceeded;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
