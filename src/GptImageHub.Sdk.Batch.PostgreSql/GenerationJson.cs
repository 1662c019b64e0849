using System.Text.Json;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// Writes a succeeded generation into <c>gih_batch_items.generation</c> (jsonb), in the service's own
/// snake_case shape, so a status query or a person can find the images without calling the API. The
/// SDK's source-generated serializer is internal to it, so this writes the public members by hand; it
/// never needs reflection, and the column is for reading only (the store never parses it back). An answer's
/// text may hold what jsonb refuses (NUL, half a surrogate pair, a character the database's encoding lacks): such
/// characters are written as <see cref="DatabaseText"/> says, so the record that carries the paid job's id is never
/// refused for the text around it.
/// </summary>
internal static class GenerationJson
{
    public static string Write(ImageGeneration generation, DatabaseText text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", text.Storable(generation.Id));
            writer.WriteString("status", text.Storable(generation.Status.ToString()));
            WriteIfSet(writer, "model", generation.Model, text);
            WriteIfSet(writer, "aspect_ratio", generation.AspectRatio, text);
            WriteIfSet(writer, "quality", generation.Quality, text);
            if (generation.CreatedAt is { } created)
            {
                writer.WriteString("created_at", created);
            }

            writer.WriteStartArray("images");
            foreach (var image in generation.Images)
            {
                writer.WriteStartObject();
                writer.WriteString("id", text.Storable(image.Id));
                writer.WriteString("url", text.Storable(image.Url.OriginalString));
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
                writer.WritePropertyName(text.Storable(name));
                WriteStorable(writer, value, text);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value, DatabaseText text)
    {
        if (value is not null)
        {
            writer.WriteString(name, text.Storable(value));
        }
    }

    /// <summary>A string of the answer, storable; one holding an escaped half surrogate pair cannot even be read, and becomes the database's replacement character.</summary>
    private static string Read(Func<string> read, DatabaseText text)
    {
        try
        {
            return text.Storable(read());
        }
        catch (InvalidOperationException)
        {
            return text.Replacement;
        }
    }

    /// <summary>An unmodelled field, rewritten so none of its strings or names holds what jsonb refuses.</summary>
    private static void WriteStorable(Utf8JsonWriter writer, JsonElement value, DatabaseText text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(Read(() => property.Name, text));
                    WriteStorable(writer, property.Value, text);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var element in value.EnumerateArray())
                {
                    WriteStorable(writer, element, text);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Read(() => value.GetString()!, text));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
