using GptImageHub.Samples.QuickStart;
using GptImageHub.Sdk.Tests.Emulator;

namespace GptImageHub.Sdk.Tests.EndToEnd;

/// <summary>The README's first command, run as a newcomer runs it: no key, so against the built-in emulator.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public async Task The_quickstart_without_a_key_writes_a_real_1024_square_PNG_and_says_what_it_cost()
    {
        var directory = Directory.CreateTempSubdirectory("gih-quickstart-").FullName;
        using var output = new StringWriter();
        try
        {
            var exitCode = await QuickStartApp.RunAsync(["a red fox in the snow"], output, apiKey: null, directory, TestContext.Current.CancellationToken);

            var text = output.ToString();
            Assert.True(exitCode == 0, text);
            Assert.Contains("No GPTIMAGEHUB_API_KEY set: using the built-in emulator", text, StringComparison.Ordinal);
            Assert.Contains("gpt-image-2    openai   tiers 1K/2K/4K   credits 1K: 8, 2K: 10, 4K: 12", text, StringComparison.Ordinal);
            Assert.Contains("Balance: 100 credits (PRO)", text, StringComparison.Ordinal);
            Assert.Contains("] succeeded", text, StringComparison.Ordinal);
            Assert.Contains("Credits used: 8", text, StringComparison.Ordinal);
            var file = Assert.Single(Directory.GetFiles(directory, "*.png"));
            Assert.Contains("Saved " + file, text, StringComparison.Ordinal);
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
            var png = PngFile.Parse(bytes);
            Assert.Equal((1024, 1024), (png.Width, png.Height));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
