using System.Globalization;
using System.Text;
using System.Text.Json;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The arrays of an answer are read into a pooled scratch array that grows (16, 32, ...): many
/// reads of different answers at once, some broken off by a bad element after the scratch grew,
/// must each get exactly their own elements, never one another's nor a stale one.
/// </summary>
public sealed class HostileArrayScratchTests
{
    [Fact]
    public async Task Concurrent_reads_of_different_answers_each_get_their_own_images()
    {
        var failures = 0;
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            for (var round = 0; round < 300; round++)
            {
                var count = random.Next(0, 70);
                var badAt = random.Next(4) == 0 && count > 0 ? random.Next(count) : -1;
                var json = Answer(worker, round, count, badAt);
                try
                {
                    var generation = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), GptImageHubJsonContext.Default.ImageGeneration)!;
                    Assert.Equal(-1, badAt);
                    Assert.Equal($"g{worker}_{round}", generation.Id);
                    Assert.Equal(count, generation.Images.Count);
                    for (var i = 0; i < count; i++)
                    {
                        Assert.Equal($"i{worker}_{round}_{i}", generation.Images[i].Id);
                    }
                }
                catch (JsonException) when (badAt >= 0)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();

        await Task.WhenAll(workers);
        Assert.True(failures > 100, $"{failures} broken answers were read");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(5_000)]
    public void A_bad_url_after_the_scratch_grew_fails_the_answer_and_the_next_read_is_clean(int badAt)
    {
        var broken = Answer(0, 0, badAt + 3, badAt);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(broken, GptImageHubJsonContext.Default.ImageGeneration));

        var generation = JsonSerializer.Deserialize(Answer(1, 1, badAt + 1, -1), GptImageHubJsonContext.Default.ImageGeneration)!;
        Assert.Equal(badAt + 1, generation.Images.Count);
        Assert.Equal(Enumerable.Range(0, badAt + 1).Select(i => $"i1_1_{i}"), generation.Images.Select(image => image.Id));
    }

    [Theory]
    [InlineData("""[[{"id":"i","url":"https://cdn.example.com/i.png"}]]""")]
    [InlineData("""[{"id":"i","url":"https://cdn.example.com/i.png"},[]]""")]
    [InlineData("""[1]""")]
    [InlineData("""["x"]""")]
    [InlineData("""{}""")]
    [InlineData("""5""")]
    public void Images_that_are_not_an_array_of_objects_make_the_answer_unreadable(string images) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize($$"""{"id":"g","status":"queued","images":{{images}}}""", GptImageHubJsonContext.Default.ImageGeneration));

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    public void No_images_read_as_an_empty_list(string images)
    {
        var generation = JsonSerializer.Deserialize($$"""{"id":"g","status":"queued","images":{{images}}}""", GptImageHubJsonContext.Default.ImageGeneration)!;

        Assert.NotNull(generation.Images);
        Assert.Empty(generation.Images);
    }

    private static string Answer(int worker, int round, int count, int badAt)
    {
        var builder = new StringBuilder().Append(CultureInfo.InvariantCulture, $$"""{"id":"g{{worker}}_{{round}}","status":"succeeded","images":[""");
        for (var i = 0; i < count; i++)
        {
            var url = i == badAt ? "http://[bad" : $"https://cdn.example.com/{worker}/{round}/{i}.png";
            builder.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{"id":"i{{worker}}_{{round}}_{{i}}","url":"{{url}}"}""");
        }

        return builder.Append("]}").ToString();
    }
}
