using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Cli;

public sealed class CliGenerateTests : CliTestBase
{
    [Fact]
    public async Task Generate_without_out_saves_a_png_into_output_and_says_so()
    {
        var result = await RunWithKeyAsync("generate", "a red fox");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Error);
        var output = Path.Combine(WorkingDirectory, "output");
        Assert.Contains($"No --out given: saving into ./output/ ({output})", result.Out, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(output));
        Assert.Contains("  " + file, result.Out, StringComparison.Ordinal);
        AssertPng(file);
        Assert.Matches(@"Generation c[a-z0-9]+ succeeded after [0-9.]+ s, [0-9]+ polls?: 1 image, 8 credits\.", result.Out);
        Assert.Equal(92, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task Generate_shows_each_status_with_elapsed_time_and_polls_when_redirected()
    {
        var result = await RunWithKeyAsync("generate", "progress", "--out", "pics");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"Waiting for generation c[a-z0-9]+:\n  queued +[0-9.]+ s  0 polls\n  succeeded +[0-9.]+ s  1 poll\n", result.Out);
    }

    [Fact]
    public async Task Generate_on_a_terminal_draws_the_live_display_and_ends_with_the_saved_file()
    {
        var result = await RunAsync(["generate", "live", "--out", "pics", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: true, Ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "pics")));
        Assert.EndsWith($"Saved 1 file:\n  {file}\n", result.Out, StringComparison.Ordinal);
        AssertPng(file);
    }

    [Fact]
    public async Task Generate_json_prints_only_the_generation_with_its_saved_files()
    {
        var result = await RunWithKeyAsync("generate", "two foxes", "-n", "2", "--out", "pics", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        var json = result.Json();
        var id = json.GetProperty("id").GetString()!;
        Assert.Equal("succeeded", json.GetProperty("status").GetString());
        Assert.Equal("gpt-image-2", json.GetProperty("model").GetString());
        Assert.Equal("1:1", json.GetProperty("aspect_ratio").GetString());
        Assert.Equal("1K", json.GetProperty("quality").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, json.GetProperty("created_at").ValueKind);
        Assert.Equal(16, json.GetProperty("usage").GetProperty("credits").GetInt32());
        var images = json.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            var file = images[i].GetProperty("file").GetString()!;
            Assert.Equal(Path.Combine(WorkingDirectory, "pics", $"{id}-{i + 1}.png"), file);
            Assert.StartsWith(Hub.CdnAddress.ToString(), images[i].GetProperty("url").GetString(), StringComparison.Ordinal);
            AssertPng(file);
        }
    }

    [Fact]
    public async Task Generate_sends_size_quality_aspect_ratio_model_and_reference_images()
    {
        var reference = Path.Combine(WorkingDirectory, "ref.png");
        await File.WriteAllBytesAsync(reference, TestImages.Png(), Ct);

        var result = await RunWithKeyAsync(
            "generate", "with a reference", "--model", "nanobanana2", "--quality", "2K", "--aspect-ratio", "16:9", "--ref", "ref.png", "--out", "pics", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("nanobanana2", json.GetProperty("model").GetString());
        Assert.Equal("2K", json.GetProperty("quality").GetString());
        Assert.Equal("16:9", json.GetProperty("aspect_ratio").GetString());
        var request = Assert.Single(Hub.Ledger.GenerationRequests);
        Assert.True(request.IsMultipart);
        Assert.Equal(1, request.ReferenceImageCount);
        Assert.True(request.Async);
        var png = AssertPng(json.GetProperty("images")[0].GetProperty("file").GetString()!);
        Assert.True(png.Width > png.Height);
    }

    [Fact]
    public async Task Generate_with_a_size_asks_for_it()
    {
        var result = await RunWithKeyAsync("generate", "wide", "--size", "1536x1024", "--out", "pics", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("3:2", result.Json().GetProperty("aspect_ratio").GetString());
    }

    [Fact]
    public async Task No_wait_submits_then_wait_and_download_save_the_same_images()
    {
        var submitted = await RunWithKeyAsync("generate", "later", "--no-wait");
        Assert.Equal(0, submitted.ExitCode);
        var id = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId!;
        Assert.Contains($"Submitted generation {id} (queued).", submitted.Out, StringComparison.Ordinal);
        Assert.Contains($"gih wait {id} --out {Path.Combine(WorkingDirectory, "output")}", submitted.Out, StringComparison.Ordinal);

        var waited = await RunWithKeyAsync("wait", id, "--out", "waited");
        Assert.Equal(0, waited.ExitCode);
        Assert.Contains("Saved 1 file:", waited.Out, StringComparison.Ordinal);
        var fromWait = AssertPng(Path.Combine(WorkingDirectory, "waited", id + "-1.png"));

        var downloaded = await RunWithKeyAsync("download", id, "--out", "downloaded", "--json");
        Assert.Equal(0, downloaded.ExitCode);
        var file = downloaded.Json().GetProperty("images")[0].GetProperty("file").GetString()!;
        Assert.Equal(Path.Combine(WorkingDirectory, "downloaded", id + "-1.png"), file);
        Assert.Equal(fromWait.Pixels, AssertPng(file).Pixels);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task No_wait_json_prints_the_queued_generation()
    {
        var result = await RunWithKeyAsync("generate", "queued", "--no-wait", "--json");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        Assert.Equal("queued", json.GetProperty("status").GetString());
        Assert.Equal(8, json.GetProperty("usage").GetProperty("credits_requested").GetInt32());
        Assert.Empty(json.GetProperty("images").EnumerateArray());
    }

    [Fact]
    public async Task A_missing_reference_image_is_bad_usage_and_sends_nothing()
    {
        var result = await RunWithKeyAsync("generate", "x", "--ref", "missing.png");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing.png", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }
}
