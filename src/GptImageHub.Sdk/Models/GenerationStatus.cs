using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Serialization;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk;

/// <summary>
/// The state of a generation job. Values the SDK does not know yet are kept as they arrive, so a
/// newer service never breaks an older client.
/// </summary>
[JsonConverter(typeof(GenerationStatusJsonConverter))]
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct GenerationStatus : IEquatable<GenerationStatus>
{
    private const string QueuedValue = "queued";
    private const string ProcessingValue = "processing";
    private const string SucceededValue = "succeeded";
    private const string FailedValue = "failed";

    private readonly string? _value;

    /// <summary>Creates a status from its wire value.</summary>
    /// <param name="value">The value the service sends, such as <c>queued</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public GenerationStatus(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The job is waiting for a worker.</summary>
    public static GenerationStatus Queued { get; } = new(QueuedValue);

    /// <summary>A worker is generating the images.</summary>
    public static GenerationStatus Processing { get; } = new(ProcessingValue);

    /// <summary>The job finished and its images are saved.</summary>
    public static GenerationStatus Succeeded { get; } = new(SucceededValue);

    /// <summary>The job failed; the credits it held are refunded by the service.</summary>
    public static GenerationStatus Failed { get; } = new(FailedValue);

    /// <summary>Whether the job has reached an end state (<see cref="Succeeded"/> or <see cref="Failed"/>).
    /// Unknown values are not terminal, so a waiter keeps polling them.</summary>
    public bool IsTerminal => _value is SucceededValue or FailedValue;

    /// <summary>Compares two statuses ordinally by their wire values.</summary>
    public static bool operator ==(GenerationStatus left, GenerationStatus right) => left.Equals(right);

    /// <summary>Compares two statuses ordinally by their wire values.</summary>
    public static bool operator !=(GenerationStatus left, GenerationStatus right) => !left.Equals(right);

    /// <summary>Converts a wire value to a status.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator GenerationStatus(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(GenerationStatus other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is GenerationStatus other && Equals(other);

    /// <inheritdoc/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Returns the wire value, or an empty string for <c>default</c>.</summary>
    public override string ToString() => _value ?? string.Empty;
}
