using System.Text.Json;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// Writes a succeeded generation into <c>gih_batch_items.generation</c> (jsonb), in the service's own
/// snake_case shape, so a status query or a person can find the images without calling the API. The
/// SDK's source-generated serializer is internal to it, so this writes the public members by hand; it
/// never needs reflection, and the column is for reading only (the store never parses it back).
/// </summary>
internal static class GenerationJson
{
    public static string Write(ImageGeneration generation)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", generation.Id);
            writer.WriteString("status", generation.Status.ToString());
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
                writer.WriteString("id", image.Id);
                writer.WriteString("url", image.Url.OriginalString);
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
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
