using GptImageHub.Emulator.Png;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>
/// <c>GET /cdn/generations/{userId}/{imageId}.png</c>: the emulator's CDN. Like a CDN URL it needs
/// no key; the unguessable image id is the only secret.
/// </summary>
internal static class ImageDownloadEndpoint
{
    private const string Extension = ".png";

    public static Task HandleAsync(HttpContext context, EmulatorState state) =>
        FaultPipeline.RunAsync(context, EmulatorEndpoint.DownloadImage, state, _ => Task.FromResult(Handle(context, state)));

    private static IResult Handle(HttpContext context, EmulatorState state)
    {
        var userId = context.Request.RouteValues["userId"] as string;
        var file = context.Request.RouteValues["file"] as string ?? string.Empty;
        if (!file.EndsWith(Extension, StringComparison.Ordinal)
            || state.Store.FindImage(file[..^Extension.Length]) is not { } image
            || !string.Equals(image.UserId, userId, StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        var png = ImageRenderer.Render(image.Prompt, image.Index, image.Width, image.Height, state.Options.MaxRenderedSide);
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Bytes(png, "image/png");
    }
}
