using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

public sealed class CliGenerationQueryTests : CliTestBase
{
    private const string ProcessingPrompt = "slow";
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 30, 8, 0, 0, TimeSpan.Zero));

    // The emulator's jobs run on a fake clock, so a job stays queued until the test moves time.
    protected override EmulatorOptions CreateEmulatorOptions() => new() { TimeProvider = _time, QueueDelay = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Get_shows_a_queued_generation_once_without_waiting()
    {
        var id = await SubmitAsync();

        var result = await RunWithKeyAsync("get", id);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Generation    {id}", result.Out, StringComparison.Ordinal);
        Assert.Contains("Status        queued", result.Out, StringComparison.Ordinal);
        Assert.Contains("Credits       0 (8 held)", result.Out, StringComparison.Ordinal);
        Assert.Contains("Images        0", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_json_shows_the_finished_generation_with_image_urls_and_no_files()
    {
        var id = await SubmitAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        var result = await RunWithKeyAsync("get", id, "--json");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.Equal("succeeded", json.GetProperty("status").GetString());
        Assert.Equal("2026-04-30T08:00:00+00:00", json.GetProperty("created_at").GetString());
        var image = Assert.Single(json.GetProperty("images").EnumerateArray());
        Assert.StartsWith(Hub.CdnAddress.ToString(), image.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("file").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("usage").GetProperty("credits_requested").ValueKind);
    }

    [Fact]
    public async Task Wait_without_out_prints_the_urls_and_how_to_save_them()
    {
        var id = await SubmitAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        var result = await RunWithKeyAsync("wait", id);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Generation {id} succeeded", result.Out, StringComparison.Ordinal);
        Assert.Contains(Hub.CdnAddress + "cdn/generations/", result.Out, StringComparison.Ordinal);
        Assert.Contains($"Save them with: gih download {id} --out ", result.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(WorkingDirectory, "output")));
    }

    [Fact]
    public async Task Download_of_an_unfinished_generation_fails_with_a_hint_to_wait()
    {
        var id = await SubmitAsync();

        var result = await RunWithKeyAsync("download", id, "--out", "pics");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"still queued; wait for it and save its images with: gih wait {id} --out {Path.Combine(WorkingDirectory, "pics")}", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_of_a_failed_generation_exits_6()
    {
        Hub.Faults.FailNextGeneration();
        var id = await SubmitAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        var result = await RunWithKeyAsync("download", id, "--out", "pics", "--json");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"gih get {id}", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Equal("generation_failed", result.Json().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Download_requires_out()
    {
        var result = await RunWithKeyAsync("download", "c123");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.ErrorLine(), StringComparison.Ordinal);
    }

    private async Task<string> SubmitAsync()
    {
        var result = await RunWithKeyAsync("generate", ProcessingPrompt, "--no-wait", "--json");
        Assert.Equal(0, result.ExitCode);
        return result.Json().GetProperty("id").GetString()!;
    }
}
