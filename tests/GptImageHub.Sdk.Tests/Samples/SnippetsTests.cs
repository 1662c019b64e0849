using GptImageHub.Samples.Snippets;
using GptImageHub.Sdk.Tests.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Samples;

/// <summary>Every snippet of samples/Snippets, run as <c>dotnet run -- NAME --emulator</c> runs it, against an in-process emulator.</summary>
public sealed class SnippetsTests
{
    /// <summary>What each snippet must print when it works; a snippet missing here fails the catalog test.</summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["models"] = ["gpt-image-2 (openai): tiers 1K/2K/4K, up to 16 reference images, credits per image 1K: 8, 2K: 10, 4K: 12"],
        ["credits"] = ["Balance: 1000 credits (PRO)", "Enough for 125 gpt-image-2 images at 1K (8 credits each)"],
        ["generate"] = [": succeeded, 8 credits", "/cdn/generations/"],
        ["progress"] = ["(queued)", ": processing", ": succeeded", "Done: 1 image(s), 10 credits"],
        ["reference-images"] = ["No reference file given: generating one first.", "from 1 reference image(s)"],
        ["download"] = ["Saved ", "Streamed "],
        ["errors"] = ["Refused (400 invalid_request)", "keeps running. Resuming by id...", ": succeeded, 1 image(s)"],
    };

    public static TheoryData<string> Names => new(SnippetCatalog.All.Select(s => s.Name));

    [Fact]
    public void The_catalog_has_one_snippet_per_task()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), SnippetCatalog.All.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Each_snippet_runs_against_the_emulator(string name)
    {
        var directory = Directory.CreateTempSubdirectory("gih-snippets-").FullName;
        using var output = new StringWriter();
        try
        {
            var exitCode = await SnippetsApp.RunAsync([name, SnippetsApp.EmulatorFlag], output, apiKey: null, directory, TestContext.Current.CancellationToken);

            var text = output.ToString();
            Assert.True(exitCode == 0, text);
            Assert.Contains("Using the local emulator", text, StringComparison.Ordinal);
            foreach (var expected in Expected[name])
            {
                Assert.Contains(expected, text, StringComparison.Ordinal);
            }

            if (name == "download")
            {
                var files = Directory.GetFiles(directory, "*.png").Order(StringComparer.Ordinal).ToArray();
                Assert.Equal(2, files.Length);
                foreach (var file in files)
                {
                    var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
                    Assert.Equal((1024, 1024), (PngFile.Parse(bytes).Width, PngFile.Parse(bytes).Height));
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_reference_image_file_from_the_command_line_is_uploaded()
    {
        var directory = Directory.CreateTempSubdirectory("gih-snippets-").FullName;
        using var output = new StringWriter();
        try
        {
            var file = Path.Combine(directory, "product.png");
            await File.WriteAllBytesAsync(file, TestImages.Png(), TestContext.Current.CancellationToken);

            var exitCode = await SnippetsApp.RunAsync(["reference-images", SnippetsApp.EmulatorFlag, file], output, apiKey: null, directory, TestContext.Current.CancellationToken);

            Assert.True(exitCode == 0, output.ToString());
            Assert.DoesNotContain("generating one first", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("from 1 reference image(s)", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_key_or_the_emulator_flag_it_says_what_to_set_and_sends_nothing()
    {
        using var output = new StringWriter();

        var exitCode = await SnippetsApp.RunAsync(["generate"], output, apiKey: null, "unused", TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("Set GPTIMAGEHUB_API_KEY", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_name_lists_the_snippets()
    {
        using var output = new StringWriter();

        var exitCode = await SnippetsApp.RunAsync(["nope", SnippetsApp.EmulatorFlag], output, apiKey: null, "unused", TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.All(SnippetCatalog.All, s => Assert.Contains("  " + s.Name, output.ToString(), StringComparison.Ordinal));
    }
}
