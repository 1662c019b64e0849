using System.Globalization;
using System.Text;
using System.Text.Json;
using GptImageHub.Cli.Failures;
using GptImageHub.Sdk;
using GptImageHub.Sdk.Core;

namespace GptImageHub.Cli.Batch;

/// <summary>
/// Reads the file of <c>gih batch</c>: one prompt per line, or a JSON object per line (a line that
/// starts with <c>{</c>); blank lines and lines starting with <c>#</c> are ignored. The whole file is
/// checked before anything is sent, so a typo on line 900 costs nothing.
/// </summary>
internal static class BatchFile
{
    public const int MaxImagesPerItem = 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Parses <paramref name="path"/> into batch items, in file order.</summary>
    /// <exception cref="UsageException">The file is missing or unreadable, or a line is malformed; the message names the line.</exception>
    public static IReadOnlyList<BatchItem> Read(string path, string displayPath, string defaultModel)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"The batch file '{displayPath}' could not be read: {ex.Message}", ex);
        }

        return Parse(Lines(bytes, displayPath), displayPath, defaultModel);
    }

    /// <summary>Parses the whole of <paramref name="input"/> (standard input) into batch items, in order.</summary>
    /// <exception cref="UsageException">The input cannot be read, or a line is malformed; the message names the line.</exception>
    /// <exception cref="OperationCanceledException">Stopped (Ctrl+C) before the input ended, or as it ended.</exception>
    public static async Task<IReadOnlyList<BatchItem>> ReadAsync(Stream input, string displayPath, string defaultModel, CancellationToken cancellationToken)
    {
        // A read of standard input blocks and heeds no token (a terminal, a producer that never ends): it runs aside,
        // and Ctrl+C ends the wait for it; the process leaves it behind as it exits.
        var copy = Task.Run(
            () =>
            {
                using var bytes = new MemoryStream();
                input.CopyTo(bytes);
                return bytes.ToArray();
            },
            CancellationToken.None);
        byte[] read;
        try
        {
            // The read left behind has its failure observed (the stream closed under it as the process exits).
            read = await CancelableWait.WaitAsync(copy, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new UsageException($"The batch on {displayPath} could not be read: {ex.Message}", ex);
        }

        // The same Ctrl+C ends the producer piped in (one process group), cutting its last line: a stop, not a bad line.
        cancellationToken.ThrowIfCancellationRequested();
        return Parse(Lines(read, displayPath), displayPath, defaultModel);
    }

    /// <summary>
    /// The file's lines. UTF-8 is decoded strictly, line by line, so that a byte that is not UTF-8 (a file saved in a
    /// legacy code page) names its line: decoded leniently it became U+FFFD, and the service was paid for a prompt
    /// the user never wrote. A file with a UTF-16 or UTF-32 byte order mark is read in that encoding.
    /// </summary>
    internal static List<string> Lines(byte[] bytes, string displayPath)
    {
        ReadOnlySpan<byte> rest = bytes;
        if (rest.StartsWith(Utf8Bom))
        {
            rest = rest[Utf8Bom.Length..];
        }
        else if (rest.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || rest.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
            var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
            return [.. (text.EndsWith('\n') ? text[..^1] : text).Split('\n')];
        }

        var lines = new List<string>();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            try
            {
                // A lone carriage return ends a line too, as it did for File.ReadAllLines.
                lines.AddRange(StrictUtf8.GetString(line).Split('\r'));
            }
            catch (DecoderFallbackException)
            {
                throw Bad(displayPath, lines.Count + 1, "is not valid UTF-8 (a file saved in another encoding?); save the file as UTF-8. Nothing was sent.");
            }
        }

        return lines;
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
