using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>
/// The OpenAI-compatible output size of the images: <see cref="Auto"/> or <c>WIDTHxHEIGHT</c>.
/// Any other value is sent and read back verbatim.
/// </summary>
[JsonConverter(typeof(ImageSizeJsonConverter))]
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct ImageSize : IEquatable<ImageSize>
{
    private const string AutoValue = "auto";

    private readonly string? _value;

    /// <summary>Creates a size from its wire value.</summary>
    /// <param name="value">The value to send, such as <c>1024x1024</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public ImageSize(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>Lets the service choose the size.</summary>
    public static ImageSize Auto { get; } = new(AutoValue);

    /// <summary>A 1024 x 1024 square.</summary>
    public static ImageSize Square1024 { get; } = new("1024x1024");

    /// <summary>A 1536 x 1024 landscape image.</summary>
    public static ImageSize Landscape1536x1024 { get; } = new("1536x1024");

    /// <summary>A 1024 x 1536 portrait image.</summary>
    public static ImageSize Portrait1024x1536 { get; } = new("1024x1536");

    /// <summary>Creates a <c>WIDTHxHEIGHT</c> size.</summary>
    /// <param name="width">The width in pixels; positive.</param>
    /// <param name="height">The height in pixels; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is zero or negative.</exception>
    public static ImageSize Create(int width, int height)
    {
        if (width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "The width must be positive.");
        }

        if (height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "The height must be positive.");
        }

        return new(width.ToString(CultureInfo.InvariantCulture) + "x" + height.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Reads the width and height of a <c>WIDTHxHEIGHT</c> size.</summary>
    /// <param name="width">The width in pixels, or 0.</param>
    /// <param name="height">The height in pixels, or 0.</param>
    /// <returns><see langword="true"/> when the value has the <c>WIDTHxHEIGHT</c> form.</returns>
    public bool TryGetDimensions(out int width, out int height)
    {
        width = 0;
        height = 0;
        var value = _value;
        var separator = value?.IndexOf('x') ?? -1;
        if (value is null || separator <= 0)
        {
            return false;
        }

        if (!int.TryParse(value.Substring(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            || !int.TryParse(value.Substring(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || w <= 0 || h <= 0)
        {
            return false;
        }

        width = w;
        height = h;
        return true;
    }

    /// <summary>Compares two sizes ordinally by their wire values.</summary>
    public static bool operator ==(ImageSize left, ImageSize right) => left.Equals(right);

    /// <summary>Compares two sizes ordinally by their wire values.</summary>
    public static bool operator !=(ImageSize left, ImageSize right) => !left.Equals(right);

    /// <summary>Converts a wire value to a size.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator ImageSize(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(ImageSize other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is ImageSize other && Equals(other);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Returns the wire value, or an empty string for <c>default</c>.</summary>
    public override string ToString() => _value ?? string.Empty;
}
