using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>
/// The quality of the images to generate. The service accepts two styles: OpenAI-compatible
/// qualities (<see cref="Auto"/>, <see cref="Low"/>, <see cref="Medium"/>, <see cref="High"/>) and
/// resolution tiers (<see cref="Tier1K"/>, <see cref="Tier2K"/>, <see cref="Tier4K"/>). Any other
/// value is sent and read back verbatim.
/// </summary>
[JsonConverter(typeof(ImageQualityJsonConverter))]
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct ImageQuality : IEquatable<ImageQuality>
{
    private const string AutoValue = "auto";
    private const string LowValue = "low";
    private const string MediumValue = "medium";
    private const string HighValue = "high";
    private const string Tier1KValue = "1K";
    private const string Tier2KValue = "2K";
    private const string Tier4KValue = "4K";

    private readonly string? _value;

    /// <summary>Creates a quality from its wire value.</summary>
    /// <param name="value">The value to send, such as <c>high</c> or <c>2K</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public ImageQuality(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>Lets the service choose.</summary>
    public static ImageQuality Auto { get; } = new(AutoValue);

    /// <summary>OpenAI-compatible low quality.</summary>
    public static ImageQuality Low { get; } = new(LowValue);

    /// <summary>OpenAI-compatible medium quality.</summary>
    public static ImageQuality Medium { get; } = new(MediumValue);

    /// <summary>OpenAI-compatible high quality.</summary>
    public static ImageQuality High { get; } = new(HighValue);

    /// <summary>The 1K resolution tier (<c>1K</c>), the cheapest.</summary>
    public static ImageQuality Tier1K { get; } = new(Tier1KValue);

    /// <summary>The 2K resolution tier (<c>2K</c>).</summary>
    public static ImageQuality Tier2K { get; } = new(Tier2KValue);

    /// <summary>The 4K resolution tier (<c>4K</c>).</summary>
    public static ImageQuality Tier4K { get; } = new(Tier4KValue);

    /// <summary>Compares two qualities ordinally by their wire values.</summary>
    public static bool operator ==(ImageQuality left, ImageQuality right) => left.Equals(right);

    /// <summary>Compares two qualities ordinally by their wire values.</summary>
    public static bool operator !=(ImageQuality left, ImageQuality right) => !left.Equals(right);

    /// <summary>Converts a wire value to a quality.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator ImageQuality(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(ImageQuality other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is ImageQuality other && Equals(other);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Returns the wire value, or an empty string for <c>default</c>.</summary>
    public override string ToString() => _value ?? string.Empty;
}
