using System.Text.Json;

namespace GptImageHub.Sdk.Serialization;

/// <summary>
/// The error for a record whose required field is null in the answer (or, for a generation's id,
/// blank; a missing field is <c>[JsonRequired]</c>'s error), raised by the wire classes'
/// <c>ToRecord</c> (WireRecords.cs) and reported like any unreadable answer.
/// </summary>
internal static class RequiredField
{
    /// <summary>A <see cref="JsonException"/> naming the record and its property (not the wire name, which the property gives).</summary>
    public static JsonException Null<TRecord>(string property) =>
        new($"The answer's {typeof(TRecord).Name} has a null or blank {property}, which it requires.");
}
