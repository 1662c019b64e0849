namespace GptImageHub.Emulator.Png;

/// <summary>Turns a saved image's description into PNG bytes, shrinking renders past the configured largest side.</summary>
internal static class ImageRenderer
{
    public static byte[] Render(string prompt, int index, int width, int height, int maxRenderedSide)
    {
        var (renderWidth, renderHeight) = RenderedSize(width, height, maxRenderedSide);
        var picture = new PromptPicture(prompt, index, renderWidth, renderHeight);
        return PngEncoder.Encode(renderWidth, renderHeight, picture.WriteRow);
    }

    /// <summary>The pixels actually drawn: the requested size, or the same shape scaled so its longer side is <paramref name="maxSide"/>.</summary>
    public static (int Width, int Height) RenderedSize(int width, int height, int maxSide)
    {
        var longSide = Math.Max(width, height);
        if (longSide <= maxSide)
        {
            return (width, height);
        }

        var scale = (double)maxSide / longSide;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }
}
