namespace GptImageHub.Emulator.Png;

/// <summary>Fills one row of an image with RGB bytes (three per pixel), so an encoder never needs the whole picture in memory.</summary>
/// <param name="y">The row, from the top.</param>
/// <param name="rgb">The row's pixels, <c>3 * width</c> bytes.</param>
internal delegate void PngRowWriter(int y, Span<byte> rgb);
