using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GptImageHub.Emulator.Png;

/// <summary>
/// A picture that depends only on the prompt, the image's index in its generation and its size:
/// a diagonal gradient between two colours crossed by stripes of a third, all drawn from a hash of
/// the prompt. The same inputs always give the same pixels, so tests can compare downloads.
/// </summary>
internal sealed class PromptPicture
{
    private readonly int _width;
    private readonly long _gradientSpan;
    private readonly int _gradientX;
    private readonly int _gradientY;
    private readonly int _stripeX;
    private readonly int _stripeY;
    private readonly int _stripePeriod;
    private readonly long _stripeOffset;
    private readonly byte[] _from;
    private readonly byte[] _to;
    private readonly byte[] _stripe;

    public PromptPicture(string prompt, int index, int width, int height)
    {
        var prefix = Encoding.UTF8.GetBytes(prompt);
        var material = new byte[prefix.Length + 4];
        prefix.CopyTo(material, 0);
        BinaryPrimitives.WriteInt32LittleEndian(material.AsSpan(prefix.Length), index);
        var seed = SHA256.HashData(material);

        _width = width;
        _from = seed[0..3];
        _to = seed[3..6];
        _stripe = seed[6..9];
        _gradientX = 1 + (seed[9] % 4);
        _gradientY = 1 + (seed[10] % 4);
        _stripeX = (seed[11] % 5) - 2;
        _stripeY = _stripeX == 0 ? 1 + (seed[12] % 2) : (seed[12] % 5) - 2;

        // Stripes scale with the picture so that small and large renders of one prompt look alike.
        _stripePeriod = Math.Max(2, Math.Max(width, height) * (4 + (seed[13] % 12)) / 128);
        _gradientSpan = Math.Max(1, ((long)(width - 1) * _gradientX) + ((long)(height - 1) * _gradientY));
        _stripeOffset = 2L * (width + height) * _stripePeriod;
    }

    public void WriteRow(int y, Span<byte> rgb)
    {
        for (var x = 0; x < _width; x++)
        {
            var t = (int)((((long)x * _gradientX) + ((long)y * _gradientY)) * 256 / _gradientSpan);
            var inStripe = (((_stripeOffset + ((long)x * _stripeX) + ((long)y * _stripeY)) / _stripePeriod) & 1) == 1;
            var pixel = rgb.Slice(3 * x, 3);
            for (var c = 0; c < 3; c++)
            {
                var value = ((_from[c] * (256 - t)) + (_to[c] * t)) >> 8;
                pixel[c] = (byte)(inStripe ? (value + _stripe[c]) >> 1 : value);
            }
        }
    }
}
