namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>Where the key and address come from: the flag, then the environment, then the config file.</summary>
public sealed class CliConfigTests : CliTestBase
{
    [Fact]
    public async Task The_config_file_under_xdg_config_home_gives_the_key_and_the_base_url()
    {
        var fileKey = Hub.CreateApiKey(credits: 11);
        var xdg = Path.Combine(WorkingDirectory, "xdg");
        WriteConfig(Path.Combine(xdg, "gih", "config.json"), $$"""{ "apiKey": "{{fileKey}}", "baseUrl": "{{Hub.BaseAddress}}" }""");
        SetVariable("XDG_CONFIG_HOME", xdg);

        var result = await RunAsync("credits", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(11, result.Json().GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Without_xdg_config_home_the_file_is_read_from_home_dot_config()
    {
        var fileKey = Hub.CreateApiKey(credits: 12);
        WriteConfig(Path.Combine(WorkingDirectory, ".config", "gih", "config.json"), $$"""{ "apiKey": "{{fileKey}}", "baseUrl": "{{Hub.BaseAddress}}" }""");

        var result = await RunAsync("credits", "--json");

        Assert.Equal(12, result.Json().GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task The_environment_beats_the_file_and_the_flag_beats_both()
    {
        var fileKey = Hub.CreateApiKey(credits: 11);
        var environmentKey = Hub.CreateApiKey(credits: 22);
        var flagKey = Hub.CreateApiKey(credits: 33);
        WriteConfig(Path.Combine(WorkingDirectory, ".config", "gih", "config.json"), $$"""{ "apiKey": "{{fileKey}}", "baseUrl": "http://127.0.0.1:1/" }""");
        SetVariable("GPTIMAGEHUB_API_KEY", environmentKey);
        SetVariable("GPTIMAGEHUB_BASE_URL", Hub.BaseAddress.ToString());

        var fromEnvironment = await RunAsync("credits", "--json");
        var fromFlag = await RunAsync("credits", "--json", "--api-key", flagKey);

        Assert.Equal(22, fromEnvironment.Json().GetProperty("credits").GetInt64());
        Assert.Equal(33, fromFlag.Json().GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task A_refused_key_names_where_it_came_from()
    {
        SetVariable("GPTIMAGEHUB_API_KEY", "gih_live_" + new string('y', 32));

        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString());

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("(key from GPTIMAGEHUB_API_KEY)", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_key_anywhere_exits_3_and_says_where_to_put_one()
    {
        var result = await RunAsync("generate", "fox", "--base-url", Hub.BaseAddress.ToString());

        Assert.Equal(3, result.ExitCode);
        var line = result.ErrorLine();
        Assert.Contains("--api-key", line, StringComparison.Ordinal);
        Assert.Contains("GPTIMAGEHUB_API_KEY", line, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(WorkingDirectory, ".config", "gih", "config.json"), line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_config_file_that_is_not_json_exits_2_naming_it()
    {
        var path = Path.Combine(WorkingDirectory, ".config", "gih", "config.json");
        WriteConfig(path, "apiKey = nope");

        var result = await RunAsync("credits");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, result.ErrorLine(), StringComparison.Ordinal);
    }

    private static void WriteConfig(string path, string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }
    public static TheoryData<string?, string?, string?, string> ModelSources() => new()
    {
        { null, null, null, "gpt-image-2" },
        { null, null, "nanobanana", "nanobanana" },
        { null, "nanobanana2", "nanobanana", "nanobanana2" },
        { "nanobananapro", "nanobanana2", "nanobanana", "nanobananapro" },
    };

    [Theory]
    [MemberData(nameof(ModelSources))]
    public async Task The_model_comes_from_the_flag_then_the_environment_then_the_file_then_the_SDKs_default(string? flag, string? environment, string? file, string expected)
    {
        if (file is not null)
        {
            WriteConfig(Path.Combine(WorkingDirectory, ".config", "gih", "config.json"), $$"""{ "defaultModel": "{{file}}" }""");
        }

        if (environment is not null)
        {
            SetVariable("GPTIMAGEHUB_DEFAULT_MODEL", environment);
        }

        var generate = await RunWithKeyAsync(["generate", "a fox", "--no-wait", "--json", .. flag is null ? Array.Empty<string>() : ["--model", flag]]);
        File.WriteAllText(Path.Combine(WorkingDirectory, "one.txt"), "a cat\n");
        var batch = await RunWithKeyAsync(["batch", "one.txt", "--json", .. flag is null ? Array.Empty<string>() : ["--model", flag]]);

        Assert.True(generate.ExitCode == 0, generate.ToString());
        Assert.Equal(expected, generate.Json().GetProperty("model").GetString());
        Assert.True(batch.ExitCode == 0, batch.ToString());
        Assert.Equal(expected, Assert.Single(Hub.Ledger.GenerationRequests, r => r.Prompt == "a cat").Model);
    }

    [Fact]
    public async Task A_setting_the_config_file_does_not_know_is_refused_naming_every_one_it_does()
    {
        WriteConfig(Path.Combine(WorkingDirectory, ".config", "gih", "config.json"), """{ "default_model": "nanobanana" }""");

        var result = await RunWithKeyAsync("generate", "a fox", "--no-wait");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("a setting gih does not know: \"default_model\" (did you mean \"defaultModel\"?). It reads \"apiKey\", \"baseUrl\", \"defaultModel\".", result.Error, StringComparison.Ordinal);
    }
}
