using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Sdk.Serialization;
using GptImageHub.Sdk.Tests.Infrastructure;
using GptImageHub.Sdk.Tests.Models.FormerReaders;

namespace GptImageHub.Sdk.Tests.Models;

/// <summary>
/// The records are read by System.Text.Json's generated readers through internal wire classes and
/// must read exactly what the SDK's former hand-written readers read (kept in
/// <c>FormerReaders/</c> as the oracle, which had been checked the same way against the generated
/// readers of the public records): the same values, the same unknown fields, and a
/// <see cref="JsonException"/> for the same inputs. Every mutated answer is read both ways and
/// the results compared as the SDK's wire writer prints them (the wire classes' generated writers, unknown fields included).
/// </summary>
public sealed class FormerReaderDifferentialTests
{
    private const int CasesPerSeed = 3_000;

    private static readonly string[] GenerationSeeds =
    [
        SeedResponses.SyncSucceeded,
        SeedResponses.AsyncQueued,
        SeedResponses.Succeeded("g1"),
        SeedResponses.Generation("g2", "failed", "\"error\":{\"code\":\"x\",\"message\":\"m\"}"),
        """{"id":"g3","status":"processing","usage":{"credits":"8","credits_requested":"9","extra":[1]},"balance":{"credits":"7","next_expiration":{"at":1}},"images":[null],"poll_url":"/api/v1/generations/g3","created_at":"2026-04-30T08:00:00+02:00"}""",
    ];

    private static readonly string[] CreditSeeds =
    [
        """{"credits":112,"account_type":"PRO","next_expiration":null}""",
        """{"balance":{"credits":5,"account_type":"FREE","next_expiration":"2026-12-31T00:00:00Z"}}""",
        """{"data":{"credits":"5","expiring":3}}""",
    ];

    [Fact]
    public void Generations_read_as_the_former_hand_written_reader_read_them() =>
        Compare(GenerationSeeds, GptImageHubJsonContext.Default.ImageGeneration, FormerReaderContext.Default.ImageGeneration, seed: 1);

    [Fact]
    public void Balances_read_as_the_former_hand_written_reader_read_them() =>
        Compare(CreditSeeds, GptImageHubJsonContext.Default.CreditBalance, FormerReaderContext.Default.CreditBalance, seed: 2);

    [Fact]
    public void Images_and_usage_read_as_the_former_hand_written_reader_read_them()
    {
        Compare(["""{"id":"i","object":"image","url":"https://cdn.example/i.png","created_at":"2026-04-30T08:00:00.000Z","w":1}"""], GptImageHubJsonContext.Default.GeneratedImage, FormerReaderContext.Default.GeneratedImage, seed: 3);
        Compare(["""{"credits":8,"credits_requested":12,"x":null}"""], GptImageHubJsonContext.Default.GenerationUsage, FormerReaderContext.Default.GenerationUsage, seed: 4);
    }

    [Fact]
    public void Models_read_as_the_former_hand_written_reader_read_them()
    {
        var models = JsonDocument.Parse(SeedResponses.Models).RootElement.GetProperty("data")[0].GetRawText();
        Compare(
            [models, """{"id":"m","aspect_ratios":["1:1",null,"\u0031:1","auto"],"qualities":null,"credits_per_image":8,"reference_image_limit":"4","x":{}}"""],
            GptImageHubJsonContext.Default.ImageModel,
            FormerReaderContext.Default.ImageModel,
            seed: 5);
    }

    [Fact]
    public void Credit_answers_of_every_shape_read_as_the_former_hand_written_reader_read_them() =>
        Compare(
            CreditSeeds,
            GptImageHubJsonContext.Default.CreditsResponse,
            FormerReaderContext.Default.CreditsResponse,
            answer => answer.ToCreditBalance() is { } balance ? JsonSerializer.Serialize(balance, GptImageHubJsonContext.Default.CreditBalance) : "no balance",
            seed: 6);

    [Fact]
    public void Model_lists_of_every_shape_read_as_the_former_hand_written_reader_read_them() =>
        Compare(
            [
                SeedResponses.Models,
                """[{"id":"a","credits_per_image":1},{"id":"b","qualities":["1K"]}]""",
                """{"models":[{"id":"a"}],"data":null}""",
                """{"data":[{"id":"a"}],"models":[{"id":"b"}],"data":"x","object":"list"}""",
            ],
            GptImageHubJsonContext.Default.ModelList,
            FormerReaderContext.Default.ModelList,
            list => string.Join("\n", list.Models.Select(model => JsonSerializer.Serialize(model, GptImageHubJsonContext.Default.ImageModel))),
            seed: 7);

    private static void Compare<T>(string[] seeds, JsonTypeInfo<T> current, JsonTypeInfo<T> former, int seed)
    {
        var printer = (JsonTypeInfo<T>)GptImageHubJsonContext.Default.GetTypeInfo(typeof(T))!;
        Compare(seeds, current, former, value => JsonSerializer.Serialize(value, printer), seed);
    }

    private static void Compare<T>(string[] seeds, JsonTypeInfo<T> current, JsonTypeInfo<T> former, Func<T, string> print, int seed)
    {
        var random = new Random(seed);
        var kinds = new Dictionary<string, int>();
        foreach (var json in seeds)
        {
            for (var i = 0; i < CasesPerSeed; i++)
            {
                var input = i == 0 ? json : Mutate(json, random);
                var expected = Outcome(input, former, print);
                var actual = Outcome(input, current, print);
                Assert.True(expected == actual, $"Input {input}\nFormer hand-written reader: {expected}\nGenerated reader: {actual}");
                var kind = expected.StartsWith("JsonException", StringComparison.Ordinal) ? "rejected" : "read";
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }

        Assert.True(kinds.GetValueOrDefault("read") > 100 && kinds.GetValueOrDefault("rejected") > 100, string.Join(", ", kinds));
    }

    /// <summary>The value as the generated writer prints it (unknown fields included), or the exception type.</summary>
    private static string Outcome<T>(string input, JsonTypeInfo<T> reader, Func<T, string> print)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(input), reader);
        }
        catch (JsonException)
        {
            return "JsonException";
        }

        return value is null ? "null" : print(value);
    }

    private static string Mutate(string json, Random random)
    {
        string[] values = ["[\"1:1\",\"16:9\",\"x\"]", "{\"1K\":\"8\",\"2K\":1.5}", "null", "[]", "{}", "true", "0", "-3", "\"\"", "\"x\"", "\"12\"", "\"-1\"", "\" 5\"", "1.5", "1e3", "99999999999", "\"2026-04-30\"", "\"not a date\"", "\"http://[bad\"", "[null]", "[{}]", "{\"credits\":1}", "\"\\u0069d\""];
        string[] names = ["\"id\"", "\"ID\"", "\"status\"", "\"url\"", "\"credits\"", "\"images\"", "\"usage\"", "\"balance\"", "\"object\"", "\"poll_url\"", "\"created_at\"", "\"next_expiration\"", "\"unknown\"", "\"i\\u0064\"", "\"additional_properties\"", "\"aspect_ratios\"", "\"qualities\"", "\"credits_per_image\"", "\"reference_image_limit\"", "\"provider\"", "\"data\"", "\"models\""];
        switch (random.Next(5))
        {
            case 0:
                return JsonMutations.ReplaceAValue(json, values[random.Next(values.Length)], random);
            case 1:
                var quoted = names[random.Next(names.Length)];
                var at = json.IndexOf(quoted, StringComparison.Ordinal);
                return at < 0 ? json : json[..at] + names[random.Next(names.Length)] + json[(at + quoted.Length)..];
            case 2:
                var open = json.IndexOf('{', StringComparison.Ordinal);
                return json[..(open + 1)] + names[random.Next(names.Length)] + ":" + values[random.Next(values.Length)] + "," + json[(open + 1)..];
            case 3:
                return JsonMutations.ReplaceAValue(JsonMutations.ReplaceAValue(json, values[random.Next(values.Length)], random), values[random.Next(values.Length)], random);
            default:
                return json[..random.Next(json.Length)];
        }
    }
}
