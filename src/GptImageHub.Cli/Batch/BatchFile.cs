using System.Globalization;
using System.Text.Json;
using GptImageHub.Cli.Failures;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Batch;

/// <summary>
/// Reads the file of <c>gih batch</c>: one prompt per line, or a JSON object per line (a line that
/// starts with <c>{</c>); blank lines and lines starting with <c>#</c> are ignored. The whole file is
/// checked before anything is sent, so a typo on line 900 costs nothing.
/// </summary>
internal static class BatchFile
{
    public const int MaxImagesPerItem = 4;

    /// <summary>Parses <paramref name="path"/> into batch items, in file order.</summary>
    /// <exception cref="UsageException">The file is missing or unreadable, or a line is malformed; the message names the line.</exception>
    public static IReadOnlyList<BatchItem> Read(string path, string displayPath, string defaultModel)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"The batch file '{displayPath}' could not be read: {ex.Message}", ex);
        }

        return Parse(lines, displayPath, defaultModel);
    }

    /// <summary>Parses the lines of a batch file; <paramref name="displayPath"/> names it in errors.</summary>
    /// <exception cref="UsageException">A line is malformed.</exception>
    public static IReadOnlyList<BatchItem> Parse(IReadOnlyList<string> lines, string displayPath, string defaultModel)
    {
        var items = new List<BatchItem>();

        // Key -> line, so that a repeated key names both lines.
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var number = i + 1;
            var text = lines[i].Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var item = text[0] == '{'
                ? FromJson(text, number, displayPath, defaultModel)
                : new BatchItem(DefaultKey(number), new ImageGenerationRequest(defaultModel, text));
            if (keys.TryGetValue(item.Key, out var first))
            {
                throw Bad(displayPath, number, $"the key '{item.Key}' is already used on line {first.ToString(CultureInfo.InvariantCulture)}; keys must be unique, the journal finds items by them.");
            }

            keys.Add(item.Key, number);
            items.Add(item);
        }

        return items;
    }

    /// <summary>The key of a line without one: its 1-based line number, so it stays the same across runs of an unchanged file.</summary>
    public static string DefaultKey(int lineNumber) => "line-" + lineNumber.ToString(CultureInfo.InvariantCulture);

    private static BatchItem FromJson(string text, int number, string displayPath, string defaultModel)
    {
        var line = ReadLine(text, number, displayPath);
        if (line is null)
        {
            throw Bad(displayPath, number, "expected a JSON object.");
        }

        if (string.IsNullOrWhiteSpace(line.Prompt))
        {
            throw Bad(displayPath, number, "\"prompt\" is missing or empty.");
        }

        if (line.Key is not null && string.IsNullOrWhiteSpace(line.Key))
        {
            throw Bad(displayPath, number, "\"key\" is empty; leave it out to use " + DefaultKey(number) + ".");
        }

        if (line.Model is not null && string.IsNullOrWhiteSpace(line.Model))
        {
            throw Bad(displayPath, number, "\"model\" is empty; leave it out to use --model.");
        }

        if (line.N is < 1 or > MaxImagesPerItem)
        {
            throw Bad(displayPath, number, $"\"n\" must be 1 to {MaxImagesPerItem.ToString(CultureInfo.InvariantCulture)}.");
        }

        var request = new ImageGenerationRequest(line.Model ?? defaultModel, line.Prompt)
        {
            Size = line.Size is { } size ? new ImageSize(size) : default(ImageSize?),
            Quality = line.Quality is { } quality ? new ImageQuality(quality) : default(ImageQuality?),
            AspectRatio = line.AspectRatio,
            N = line.N,
        };
        return new BatchItem(line.Key ?? DefaultKey(number), request);
    }

    /// <summary>
    /// Reads one JSON line field by field, so that every problem is told in the file's own words:
    /// the line, the field and what it should hold (never a .NET type or member name).
    /// </summary>
    private static BatchFileLine? ReadLine(string text, int number, string displayPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw Bad(displayPath, number, $"not a valid JSON object (at character {(ex.BytePositionInLine ?? 0) + 1}); a line that starts with {{ must be one whole JSON object.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? key = null, prompt = null, model = null, size = null, quality = null, aspectRatio = null;
            int? n = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "key": key = Text(property); break;
                    case "prompt": prompt = Text(property); break;
                    case "model": model = Text(property); break;
                    case "size": size = Text(property); break;
                    case "quality": quality = Text(property); break;
                    case "aspect_ratio": aspectRatio = Text(property); break;
                    case "n":
                        if (property.Value.ValueKind == JsonValueKind.Null)
                        {
                            break;
                        }

                        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var count))
                        {
                            throw Bad(displayPath, number, $"\"n\" must be a whole number, 1 to {MaxImagesPerItem.ToString(CultureInfo.InvariantCulture)}, not {property.Value.GetRawText()}.");
                        }

                        n = count;
                        break;
                    default:
                        throw Bad(displayPath, number, $"unknown field \"{property.Name}\"; a line may have \"key\", \"prompt\", \"model\", \"size\", \"quality\", \"aspect_ratio\" and \"n\".");
                }
            }

            return new BatchFileLine { Key = key, Prompt = prompt, Model = model, Size = size, Quality = quality, AspectRatio = aspectRatio, N = n };
        }

        string? Text(JsonProperty property) => property.Value.ValueKind switch
        {
            JsonValueKind.String => TextOf(property),
            JsonValueKind.Null => null,
            _ => throw Bad(displayPath, number, $"\"{property.Name}\" must be a string in quotes, not {property.Value.GetRawText()}."),
        };

        string TextOf(JsonProperty property)
        {
            try
            {
                return property.Value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // An escape of half a surrogate pair ("\ud83d", an emoji cut in two) is valid JSON but no text.
                throw Bad(displayPath, number, $"\"{property.Name}\" holds half of a surrogate pair (an emoji or other character cut in two); write the whole character.");
            }
        }
    }

    private static UsageException Bad(string displayPath, int number, string problem) =>
        new($"{displayPath} line {number.ToString(CultureInfo.InvariantCulture)}: {problem}");
}
