using System.Text.Json;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Models;

public sealed class ExtensibleEnumTests
{
    [Fact]
    public void Known_values_have_their_wire_strings()
    {
        Assert.Equal(["queued", "processing", "succeeded", "failed"], new[] { GenerationStatus.Queued, GenerationStatus.Processing, GenerationStatus.Succeeded, GenerationStatus.Failed }.Select(s => s.ToString()));
        Assert.Equal(["auto", "low", "medium", "high", "1K", "2K", "4K"], new[] { ImageQuality.Auto, ImageQuality.Low, ImageQuality.Medium, ImageQuality.High, ImageQuality.Tier1K, ImageQuality.Tier2K, ImageQuality.Tier4K }.Select(q => q.ToString()));
        Assert.Equal(["auto", "1024x1024", "1536x1024", "1024x1536"], new[] { ImageSize.Auto, ImageSize.Square1024, ImageSize.Landscape1536x1024, ImageSize.Portrait1024x1536 }.Select(s => s.ToString()));
    }

    [Fact]
    public void Only_succeeded_and_failed_are_terminal()
    {
        Assert.True(GenerationStatus.Succeeded.IsTerminal);
        Assert.True(GenerationStatus.Failed.IsTerminal);
        Assert.False(GenerationStatus.Queued.IsTerminal);
        Assert.False(GenerationStatus.Processing.IsTerminal);
        Assert.False(new GenerationStatus("cancelling").IsTerminal);
        Assert.False(default(GenerationStatus).IsTerminal);
    }

    [Fact]
    public void Equality_is_ordinal_and_default_prints_empty()
    {
        Assert.True(GenerationStatus.Queued == "queued");
        Assert.True(GenerationStatus.Queued != "Queued");
        Assert.Equal(GenerationStatus.Queued.GetHashCode(), new GenerationStatus("queued").GetHashCode());
        Assert.Equal(string.Empty, default(GenerationStatus).ToString());
        Assert.Equal(string.Empty, default(ImageQuality).ToString());
        Assert.Equal(string.Empty, default(ImageSize).ToString());
        Assert.True(ImageQuality.Tier2K == "2K");
        Assert.False(ImageQuality.Tier2K.Equals((object)"2K"));
    }

    [Fact]
    public void A_null_value_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new GenerationStatus(null!));
        Assert.Throws<ArgumentNullException>(() => new ImageQuality(null!));
        Assert.Throws<ArgumentNullException>(() => new ImageSize(null!));
    }

    [Fact]
    public void Unknown_values_round_trip_through_JSON()
    {
        var generation = JsonSerializer.Deserialize("""{"id":"g","status":"moderating"}""", GptImageHubJsonContext.Default.ImageGeneration)!;

        Assert.Equal("moderating", generation.Status.ToString());
        Assert.Contains("\"status\":\"moderating\"", JsonSerializer.Serialize(generation, GptImageHubJsonContext.Default.ImageGeneration), StringComparison.Ordinal);
    }

    [Fact]
    public void ImageSize_Create_makes_WIDTHxHEIGHT_and_reads_it_back()
    {
        var size = ImageSize.Create(1536, 640);

        Assert.Equal("1536x640", size.ToString());
        Assert.True(size.TryGetDimensions(out var width, out var height));
        Assert.Equal((1536, 640), (width, height));
        Assert.Equal(ImageSize.Square1024, ImageSize.Create(1024, 1024));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, -1)]
    public void ImageSize_Create_refuses_a_dimension_that_is_not_positive(int width, int height) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageSize.Create(width, height));

    [Theory]
    [InlineData("auto")]
    [InlineData("x10")]
    [InlineData("10x")]
    [InlineData("10x-5")]
    [InlineData("0x10")]
    [InlineData("")]
    public void ImageSize_TryGetDimensions_is_false_for_values_without_two_positive_numbers(string value) =>
        Assert.False(new ImageSize(value).TryGetDimensions(out _, out _));
}
