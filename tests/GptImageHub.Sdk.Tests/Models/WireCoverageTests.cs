using System.Collections;
using System.Reflection;
using System.Text.Json;
using GptImageHub.Sdk.Serialization;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Models;

/// <summary>
/// Every public property of every record the SDK reads from the wire is filled by its reader, from
/// an answer that carries every documented field. The records are discovered (every public type
/// with <c>AdditionalProperties</c> of JSON values), so a new record without a sample, or a new
/// property its reader does not fill, fails here instead of falling silently into
/// <c>AdditionalProperties</c>.
/// </summary>
public sealed class WireCoverageTests
{
    private static readonly Dictionary<Type, string> FullAnswers = new()
    {
        [typeof(ImageGeneration)] = """
            {"id":"g1","status":"succeeded","model":"gpt-image-2","aspect_ratio":"1:1","quality":"1K","created_at":"2026-04-30T08:00:00.000Z",
             "images":[{"id":"i1","url":"https://cdn.example.com/i1.png","created_at":"2026-04-30T08:00:01.000Z"}],
             "usage":{"credits":8,"credits_requested":8},"balance":{"credits":112,"account_type":"PRO","next_expiration":"2026-12-31T00:00:00Z"},"poll_url":"https://www.gptimagehub.com/api/v1/generations/g1"}
            """,
        [typeof(GeneratedImage)] = """{"id":"i1","url":"https://cdn.example.com/i1.png","created_at":"2026-04-30T08:00:01.000Z"}""",
        [typeof(GenerationUsage)] = """{"credits":8,"credits_requested":12}""",
        [typeof(CreditBalance)] = """{"credits":112,"account_type":"PRO","next_expiration":"2026-12-31T00:00:00Z"}""",
        [typeof(ImageModel)] = JsonDocument.Parse(SeedResponses.Models).RootElement.GetProperty("data")[0].GetRawText(),
    };

    public static TheoryData<string> WireRecords()
    {
        var data = new TheoryData<string>();
        foreach (var type in Discover())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Fact]
    public void Every_wire_record_has_a_full_answer_to_read()
    {
        Assert.Equal(FullAnswers.Keys.Select(t => t.FullName).Order(), Discover().Select(t => t.FullName).Order());
    }

    [Theory]
    [MemberData(nameof(WireRecords))]
    public void Every_public_property_is_filled_from_the_wire_and_nothing_documented_is_left_over(string name)
    {
        var type = typeof(GptImageHubClient).Assembly.GetType(name, throwOnError: true)!;
        var value = JsonSerializer.Deserialize(FullAnswers[type], GptImageHubJsonContext.Default.GetTypeInfo(type)!);
        Assert.NotNull(value);

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == "AdditionalProperties")
            {
                Assert.Empty((IEnumerable)property.GetValue(value)!);
                continue;
            }

            var read = property.GetValue(value);
            Assert.False(IsUnset(read, property.PropertyType), $"{type.Name}.{property.Name} was not filled from the wire.");
        }
    }

    [Theory]
    [MemberData(nameof(WireRecords))]
    public void A_field_named_additional_properties_is_kept_with_the_other_unknown_fields(string name)
    {
        // The public records' generated readers skipped it (the name of their ignored property);
        // the wire classes have no such property, so it is kept like any field the SDK does not model.
        var type = typeof(GptImageHubClient).Assembly.GetType(name, throwOnError: true)!;
        var answer = "{\"additional_properties\":{\"a\":1}," + FullAnswers[type].TrimStart()[1..];
        var value = JsonSerializer.Deserialize(answer, GptImageHubJsonContext.Default.GetTypeInfo(type)!)!;

        var unknown = (IReadOnlyDictionary<string, JsonElement>)type.GetProperty("AdditionalProperties")!.GetValue(value)!;
        Assert.Equal("{\"a\":1}", Assert.Single(unknown, p => p.Key == "additional_properties").Value.GetRawText());
    }

    private static IEnumerable<Type> Discover() =>
        typeof(GptImageHubClient).Assembly.GetExportedTypes()
            .Where(t => t.GetProperty("AdditionalProperties")?.PropertyType == typeof(IReadOnlyDictionary<string, JsonElement>));

    private static bool IsUnset(object? value, Type type) => value switch
    {
        null => true,
        string s => s.Length == 0,
        IEnumerable sequence => !sequence.GetEnumerator().MoveNext(),
        _ => type.IsValueType && value.Equals(Activator.CreateInstance(type)),
    };
}
