using System.Text.Json;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The error for a record whose required field is missing or null in the answer (or, for a
/// generation's id, blank), raised by the wire classes' <c>ToRecord</c> (WireRecords.cs) and
/// reported like any unreadable answer.
/// </summary>
internal static class RequiredField
{
    /// <summary>A <see cref="JsonException"/> naming the record and its property (not the wire name, which the property gives).</summary>
    public static JsonException Missing<TRecord>(string property) =>
        new($"The answer's {typeof(TRecord).Name} has no {property} (missing, null or blank), which it requires.");
}
