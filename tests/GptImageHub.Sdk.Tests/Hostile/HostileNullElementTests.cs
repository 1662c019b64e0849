using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A null inside an answer's array (<c>"images": [null]</c>, <c>"aspect_ratios": ["1:1", null]</c>):
/// the public lists hold no nulls, and a null image kept in a paid generation made the
/// M.E.AI adapter throw a bare NullReferenceException (no GenerationId) and a download an
/// ArgumentNullException. A null names nothing, so it is left out; the other elements stay.
/// </summary>
public sealed class HostileNullElementTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("[null]", 0)]
    [InlineData("""[null,{"id":"img_1","url":"https://cdn.example.com/1.png"},null]""", 1)]
    [InlineData("""[{"id":"img_1","url":"https://cdn.example.com/1.png"},null,{"id":"img_2","url":"https://cdn.example.com/2.png"}]""", 2)]
    public void A_null_image_is_left_out_of_a_generation(string images, int count)
    {
        var generation = JsonSerializer.Deserialize($$"""{"id":"g","status":"succeeded","images":{{images}}}""", GptImageHubJsonContext.Default.ImageGeneration)!;

        Assert.Equal(count, generation.Images.Count);
        Assert.All(generation.Images, image => Assert.StartsWith("img_", image.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void Nulls_are_left_out_of_a_models_lists_in_their_order()
    {
        var model = JsonSerializer.Deserialize("""{"id":"m","aspect_ratios":[null,"1:1",null,"16:9"],"qualities":[null]}""", GptImageHubJsonContext.Default.ImageModel)!;

        Assert.Equal(["1:1", "16:9"], model.AspectRatios);
        Assert.Empty(model.Qualities);
    }

    [Fact]
    public async Task A_paid_generation_with_a_null_image_gives_the_adapter_its_real_images()
    {
        const string answer = """{"id":"gen_paid","status":"succeeded","images":[null,{"id":"img_1","url":"https://cdn.example.com/1.png"}]}""";
        using var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(200, new StringContent(answer, Encoding.UTF8, new MediaTypeHeaderValue("application/json"))));
        using var client = handler.CreateClient();
        using var generator = GptImageHub.Sdk.Extensions.AI.GptImageHubClientExtensions.AsIImageGenerator(client, "gpt-image-2");

        var response = await Microsoft.Extensions.AI.ImageGeneratorExtensions.GenerateImagesAsync(generator, "a fox", new Microsoft.Extensions.AI.ImageGenerationOptions { ResponseFormat = Microsoft.Extensions.AI.ImageGenerationResponseFormat.Uri }, T);

        var content = Assert.Single(response.Contents);
        Assert.Equal(new Uri("https://cdn.example.com/1.png"), Assert.IsType<Microsoft.Extensions.AI.UriContent>(content).Uri);
        Assert.Equal(1, handler.Posts);
    }
}
