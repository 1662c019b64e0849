using System.Text.Json;
using System.Text.Json.Nodes;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Models;

/// <summary>
/// A generation is written in one shape only, the API's: the wire classes' generated writers write
/// back every field their readers read, under the same names, and the batch journal and the PostgreSQL
/// store's <c>generation</c> column keep what those writers write (the column a documented part of it).
/// </summary>
public sealed class WireWriterTests
{
    // Every documented field, the object names, and fields the SDK does not model, at each level.
    private const string FullGeneration = """
        {"object":"image_generation","id":"g1","status":"succeeded","model":"gpt-image-2","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00.000Z",
         "images":[{"object":"image","id":"i1","url":"https://cdn.example.com/i1.png","created_at":"2026-04-30T08:00:01.000Z","width":1024}],
         "usage":{"credits":8,"credits_requested":8,"tokens":{"in":3}},"balance":{"credits":112,"account_type":"PRO","next_expiration":"2026-12-31T00:00:00Z","tier":"x"},
         "poll_url":"https://www.gptimagehub.com/api/v1/generations/g1","seed":42}
        """;

    private static readonly Dictionary<Type, string> FullAnswers = new()
    {
        [typeof(ImageGeneration)] = FullGeneration,
        [typeof(GeneratedImage)] = """{"object":"image","id":"i1","url":"https://cdn.example.com/i1.png","created_at":"2026-04-30T08:00:01.000Z","width":1024}""",
        [typeof(GenerationUsage)] = """{"credits":8,"credits_requested":12,"tokens":{"in":3}}""",
        [typeof(CreditBalance)] = """{"credits":112,"account_type":"PRO","next_expiration":"2026-12-31T00:00:00Z","tier":"x"}""",
        [typeof(ImageModel)] = """
            {"id":"gpt-image-2","name":"GPT IMAGE 2","provider":"openai","aspect_ratios":["auto","1:1"],"qualities":["1K","2K"],
             "reference_image_limit":16,"credits_per_image":{"1K":8,"2K":10},"released":"2026"}
            """,
    };

    public static TheoryData<string> Records() => [.. FullAnswers.Keys.Select(t => t.FullName!)];

    [Theory]
    [MemberData(nameof(Records))]
    public void Every_field_read_is_written_back_under_its_wire_name_and_reads_again_the_same(string name)
    {
        var type = typeof(GptImageHubClient).Assembly.GetType(name, throwOnError: true)!;
        var typeInfo = GptImageHubJsonContext.Default.GetTypeInfo(type)!;
        var read = JsonSerializer.Deserialize(FullAnswers[type], typeInfo);

        var written = JsonSerializer.Serialize(read, typeInfo);

        Assert.Equal(Shape(JsonNode.Parse(FullAnswers[type])), Shape(JsonNode.Parse(written)));
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize(written, typeInfo), typeInfo));
    }

    [Fact]
    public void A_journal_line_keeps_the_generation_in_the_answer_s_shape_and_reads_it_back()
    {
        var generation = JsonSerializer.Deserialize(FullGeneration, GptImageHubJsonContext.Default.ImageGeneration)!;

        var line = JsonSerializer.Serialize(
            new JournalEntry { Event = BatchJournalEvent.Succeeded, Key = "k", GenerationId = "g1", Generation = generation },
            BatchJournalJsonContext.Default.JournalEntry);

        Assert.Equal(Shape(JsonNode.Parse(FullGeneration)), Shape(JsonNode.Parse(line)!["generation"]));
        var back = JsonSerializer.Deserialize(line, BatchJournalJsonContext.Default.JournalEntry)!.Generation!;
        Assert.Equal(Print(generation), Print(back));
    }

    [Fact]
    public void A_journal_line_written_before_the_journal_used_the_wire_classes_reads_the_same()
    {
        // As the public records' generated writer wrote it: their property order, offsets in place of Z, the object name and unknown fields last.
        const string Before = """
            {"v":1,"event":"succeeded","key":"k","generation_id":"g1","generation":{"id":"g1","status":"succeeded","model":"gpt-image-2","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00+00:00","images":[{"id":"i1","url":"https://cdn.example.com/i1.png","created_at":"2026-04-30T08:00:01+00:00","object":"image","width":1024}],"usage":{"credits":8,"credits_requested":8,"tokens":{"in":3}},"balance":{"credits":112,"account_type":"PRO","next_expiration":"2026-12-31T00:00:00+00:00","tier":"x"},"poll_url":"https://www.gptimagehub.com/api/v1/generations/g1","object":"image_generation","seed":42},"at":"2026-11-26T08:00:02+00:00"}
            """;

        var back = JsonSerializer.Deserialize(Before, BatchJournalJsonContext.Default.JournalEntry)!.Generation!;

        Assert.Equal(Print(JsonSerializer.Deserialize(FullGeneration, GptImageHubJsonContext.Default.ImageGeneration)!), Print(back));
    }

    [Fact]
    public void The_PostgreSQL_generation_column_writes_each_of_its_fields_as_the_wire_writer_does()
    {
        var generation = JsonSerializer.Deserialize(FullGeneration, GptImageHubJsonContext.Default.ImageGeneration)!;

        var column = JsonNode.Parse(GenerationJson.Write(generation, DatabaseText.Unicode))!;
        var wire = JsonNode.Parse(Print(generation))!;

        AssertPartOf(column, wire, "generation");

        // The column's documented part: the id, the status, the images with their URLs, the usage.
        Assert.Equal(["created_at", "id", "url"], column["images"]![0]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(8, (int)column["usage"]!["credits"]!);
    }

    private static string Print(ImageGeneration generation) => JsonSerializer.Serialize(generation, GptImageHubJsonContext.Default.ImageGeneration);

    /// <summary>Every property path and its kind of value, in order: what a writer named, not how it spelled a date.</summary>
    private static string[] Shape(JsonNode? node)
    {
        var paths = new List<string>();
        Walk(node, "$", paths);
        return [.. paths.Order(StringComparer.Ordinal)];

        static void Walk(JsonNode? node, string path, List<string> paths)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        Walk(value, path + "." + key, paths);
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{path}[{i}]", paths);
                    }

                    break;
                default:
                    paths.Add(path + ":" + (node?.GetValueKind().ToString() ?? "Null"));
                    break;
            }
        }
    }

    private static void AssertPartOf(JsonNode? part, JsonNode? whole, string path)
    {
        switch (part)
        {
            case JsonObject o:
                var wholeObject = Assert.IsType<JsonObject>(whole);
                foreach (var (key, value) in o)
                {
                    Assert.True(wholeObject.ContainsKey(key), $"{path}.{key} is not a field the wire writer writes.");
                    AssertPartOf(value, wholeObject[key], path + "." + key);
                }

                break;
            case JsonArray a:
                var wholeArray = Assert.IsType<JsonArray>(whole);
                Assert.Equal(wholeArray.Count, a.Count);
                for (var i = 0; i < a.Count; i++)
                {
                    AssertPartOf(a[i], wholeArray[i], $"{path}[{i}]");
                }

                break;
            default:
                Assert.True(JsonNode.DeepEquals(part, whole), $"{path}: {part?.ToJsonString()} where the wire writer writes {whole?.ToJsonString()}");
                break;
        }
    }
}
