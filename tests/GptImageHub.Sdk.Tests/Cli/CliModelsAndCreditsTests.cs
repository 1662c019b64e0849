using System.Text.RegularExpressions;

namespace GptImageHub.Sdk.Tests.Cli;

public sealed partial class CliModelsAndCreditsTests : CliTestBase
{
    [Fact]
    public async Task Models_prints_a_table_of_every_model_without_a_key()
    {
        var result = await RunAsync("models", "--base-url", Hub.BaseAddress.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.Contains("Credits per image", result.Out, StringComparison.Ordinal);
        foreach (var model in new[] { "gpt-image-2", "nanobanana", "nanobanana2", "nanobananapro" })
        {
            Assert.Contains(model, result.Out, StringComparison.Ordinal);
        }

        Assert.Contains("1K: 8, 2K: 10, 4K: 12", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_json_lists_each_model_in_snake_case()
    {
        var result = await RunAsync("models", "--json", "--base-url", Hub.BaseAddress.ToString());

        Assert.Equal(0, result.ExitCode);
        var models = result.Json().GetProperty("models");
        Assert.Equal(4, models.GetArrayLength());
        var gpt = models.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "gpt-image-2");
        Assert.Equal("openai", gpt.GetProperty("provider").GetString());
        Assert.Equal(16, gpt.GetProperty("reference_image_limit").GetInt32());
        Assert.Equal(["1K", "2K", "4K"], gpt.GetProperty("qualities").EnumerateArray().Select(q => q.GetString()));
        Assert.Contains("16:9", gpt.GetProperty("aspect_ratios").EnumerateArray().Select(q => q.GetString()));
        Assert.Equal(8, gpt.GetProperty("credits_per_image").GetProperty("1K").GetInt32());
        Assert.True(gpt.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Credits_prints_the_balance_and_account_type()
    {
        var result = await RunWithKeyAsync("credits");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"│ 100\s+│ PRO\s+│ none\s+│", result.Out);
    }

    [Fact]
    public async Task Credits_json_has_the_documented_fields()
    {
        var result = await RunWithKeyAsync("credits", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        var json = result.Json();
        Assert.Equal(100, json.GetProperty("credits").GetInt64());
        Assert.Equal("PRO", json.GetProperty("account_type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("next_expiration").ValueKind);
    }

    [Fact]
    public async Task Redirected_output_has_no_escape_codes()
    {
        var result = await RunWithKeyAsync("credits");

        Assert.DoesNotContain('\u001b', result.Out);
    }

    [Fact]
    public async Task No_color_turns_colours_off_even_on_a_terminal()
    {
        SetVariable("NO_COLOR", "1");
        var result = await RunAsync(["get", await SubmitAsync(), "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: true, Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("succeeded", result.Out, StringComparison.Ordinal);
        Assert.DoesNotMatch(ColourCode(), result.Out);
    }

    private async Task<string> SubmitAsync()
    {
        var submitted = await RunWithKeyAsync("generate", "colourless", "--no-wait", "--json");
        var id = submitted.Json().GetProperty("id").GetString()!;
        await RunWithKeyAsync("wait", id);
        return id;
    }

    // SGR foreground or background colours: 30-37, 38;..., 40-47, 90-97, 100-107.
    [GeneratedRegex(@"\u001b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")]
    private static partial Regex ColourCode();
}
