using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

/// <summary>The adapter inside the Microsoft.Extensions.AI pipeline (package Microsoft.Extensions.AI 11.0.0).</summary>
public sealed class PipelineCompositionTests : ExtensionsAITestBase
{
    [Fact]
    public async Task Composed_with_logging_and_OpenTelemetry_it_returns_one_UriContent_per_requested_image()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var generator = Generator.AsBuilder()
            .UseLogging(NullLoggerFactory.Instance)
            .UseOpenTelemetry()
            .Build();

        var response = await generator.GenerateImagesAsync("two foxes", new ImageGenerationOptions { Count = 2 }, Ct);

        var images = response.Contents.OfType<UriContent>().ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal(2, response.Contents.Count);
        Assert.All(images, image => Assert.StartsWith(Hub.CdnAddress.ToString(), image.Uri.ToString(), StringComparison.Ordinal));
        Assert.IsType<ImageGeneration>(response.RawRepresentation);
    }
}
