using System.Text.Json;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// Writes a succeeded generation into <c>gih_batch_items.generation</c> (jsonb), in the service's own
/// snake_case shape, so a status query or a person can find the images without calling the API. The
/// SDK's source-generated serializer is internal to it, so this writes the public members by hand; it
/// never needs reflection, and the column is for reading only (the store never parses it back). An answer's
/// text may hold what jsonb refuses (NUL, half a surrogate pair): such characters are written as U+FFFD, so
/// the record that carries the paid job's id is never refused for the text around it.
/// </summary>
internal static class GenerationJson
{
    public static string Write(ImageGeneration generation)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Storable(generation.Id));
            writer.WriteString("status", Storable(generation.Status.ToString()));
            WriteIfSet(writer, "model", generation.Model);
            WriteIfSet(writer, "aspect_ratio", generation.AspectRatio);
            WriteIfSet(writer, "quality", generation.Quality);
            if (generation.CreatedAt is { } created)
            {
                writer.WriteString("created_at", created);
            }

            writer.WriteStartArray("images");
            foreach (var image in generation.Images)
            {
                writer.WriteStartObject();
                writer.WriteString("id", Storable(image.Id));
                writer.WriteString("url", Storable(image.Url.OriginalString));
                if (image.CreatedAt is { } imageCreated)
                {
                    writer.WriteString("created_at", imageCreated);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (generation.Usage is { } usage)
            {
                writer.WriteStartObject("usage");
                writer.WriteNumber("credits", usage.Credits);
                if (usage.CreditsRequested is { } requested)
                {
                    writer.WriteNumber("credits_requested", requested);
                }

                writer.WriteEndObject();
            }

            foreach (var (name, value) in generation.AdditionalProperties)
            {
                writer.WritePropertyName(Storable(name));
                WriteStorable(writer, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Text as PostgreSQL can keep it: NUL (which text and jsonb refuse) and half a surrogate pair (which has
    /// no UTF-8 form) become U+FFFD; anything else is returned as it is.
    /// </summary>
    public static string Storable(string value)
    {
        char[]? copy = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (c == '\0' || char.IsSurrogate(c))
            {
                copy ??= value.ToCharArray();
                copy[i] = '\uFFFD';
            }
        }

        return copy is null ? value : new string(copy);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, Storable(value));
        }
    }

    /// <summary>A string of the answer, storable; one holding an escaped half surrogate pair cannot even be read, and becomes U+FFFD.</summary>
    private static string Read(Func<string> read)
    {
        try
        {
            return Storable(read());
        }
        catch (InvalidOperationException)
        {
            return "\uFFFD";
        }
    }

    /// <summary>An unmodelled field, rewritten so none of its strings or names holds what jsonb refuses.</summary>
    private static void WriteStorable(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(Read(() => property.Name));
                    WriteStorable(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var element in value.EnumerateArray())
                {
                    WriteStorable(writer, element);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Read(() => value.GetString()!));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
