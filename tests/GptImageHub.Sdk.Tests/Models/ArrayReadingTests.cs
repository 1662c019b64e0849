using System.Text.Json;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Models;

/// <summary>
/// The record arrays (a generation's images, a model's aspect ratios and qualities) are read in one
/// pass into a pooled scratch array, which grows past its first 16 slots, and are returned at their
/// exact size, in order, with a null element left out (the public lists hold no nulls). The sizes sit around the scratch array's first
/// size and its doublings, so the growing path runs, not only the common one-image answer.
/// </summary>
public sealed class ArrayReadingTests
{
    public static TheoryData<int> Sizes() => [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 1000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_generation_reads_every_image_in_order_into_an_array_of_its_exact_size(int count)
    {
        var images = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"id":"i{{i}}","url":"https://cdn.example.com/{{i}}.png"}"""));
        var json = $$"""{"id":"g1","status":"succeeded","images":[{{images}}]}""";

        var generation = JsonSerializer.Deserialize(json, GptImageHubJsonContext.Default.ImageGeneration)!;

        var array = Assert.IsType<GeneratedImage[]>(generation.Images);
        Assert.Equal(count, array.Length);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"i{i}"), array.Select(image => image.Id));
        Assert.Equal(Enumerable.Range(0, count).Select(i => new Uri($"https://cdn.example.com/{i}.png")), array.Select(image => image.Url));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_model_reads_its_aspect_ratios_in_order_leaving_nulls_out(int count)
    {
        // Every fifth entry null; known values ("16:9") and others ("r7") alike.
        string? Entry(int i) => i % 5 == 4 ? null : i % 2 == 0 ? "16:9" : $"r{i}";
        var ratios = string.Join(",", Enumerable.Range(0, count).Select(i => Entry(i) is { } value ? $"\"{value}\"" : "null"));
        var json = $$"""{"id":"m1","aspect_ratios":[{{ratios}}],"qualities":["1K"]}""";

        var model = JsonSerializer.Deserialize(json, GptImageHubJsonContext.Default.ImageModel)!;

        var array = Assert.IsType<string[]>(model.AspectRatios);
        Assert.Equal(Enumerable.Range(0, count).Select(Entry).Where(entry => entry is not null), array);
        Assert.Equal(["1K"], model.Qualities);
    }

    [Theory]
    [InlineData("""{"id":"g1","status":"succeeded","images":[{"id":"i1","url":"https://cdn.example.com/1.png"},{"id":"i2"}]}""")]
    [InlineData("""{"id":"g1","status":"succeeded","images":{"id":"i1","url":"https://cdn.example.com/1.png"}}""")]
    [InlineData("""{"id":"g1","status":"succeeded","images":[1]}""")]
    public void A_broken_array_or_element_is_refused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, GptImageHubJsonContext.Default.ImageGeneration));
    }

    [Fact]
    public void A_read_broken_part_way_leaves_no_record_in_the_pool()
    {
        // Twenty images fill the first scratch array (16 slots) and grow into a second (32); the
        // twenty-first is broken. Both go back to the pool cleared, so a pooled array never keeps a
        // caller's record alive. The shared pool hands a thread back the array it returned last.
        var many = string.Join(",", Enumerable.Range(0, 20).Select(i => $$"""{"id":"i{{i}}","url":"https://cdn.example.com/{{i}}.png"}"""));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize($$"""{"id":"g0","status":"succeeded","images":[{{many}},{"id":"x"}]}""", GptImageHubJsonContext.Default.ImageGeneration));

        foreach (var size in new[] { 16, 32 })
        {
            var pooled = System.Buffers.ArrayPool<GeneratedImage?>.Shared.Rent(size);
            try
            {
                Assert.All(pooled, Assert.Null);
            }
            finally
            {
                System.Buffers.ArrayPool<GeneratedImage?>.Shared.Return(pooled);
            }
        }
    }
}
