using System.Text;
using GptImageHub.Cli;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// Every command gih prints for the user to run next is run exactly as printed, with the same
/// variables (the same shell), and must work: whether the key and address came from flags,
/// <c>--api-key-env</c>, the environment or the config file. A key given with <c>--api-key</c> is
/// never printed; the hint says to add it, and the test adds it as told.
/// </summary>
public sealed partial class CliHintTests : CliTestBase
{
    private const string AddKeyNote = " --api-key <your key> (or --api-key-env VARIABLE)";

    private TimeSpan _pollingTimeout = TimeSpan.FromSeconds(30);

    public enum KeySource
    {
        Flags,
        ApiKeyEnvFlag,
        Environment,
        ConfigFile,
    }

    // Long enough that a 20 ms polling limit always gives up first, even on a loaded machine.
    protected override EmulatorOptions CreateEmulatorOptions() => new() { ProcessingDelay = TimeSpan.FromMilliseconds(800) };

    protected override void ConfigureClient(GptImageHubClientOptions options)
    {
        base.ConfigureClient(options);
        options.Polling.Timeout = _pollingTimeout;
    }

    public static TheoryData<KeySource> Sources => [KeySource.Flags, KeySource.ApiKeyEnvFlag, KeySource.Environment, KeySource.ConfigFile];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_no_wait_hint_fetches_and_saves_the_images(KeySource source)
    {
        var submitted = await RunAsync([.. "generate|a red fox|--no-wait|--out|pics".Split('|'), .. Connection(source)]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());

        var followed = await RunHintAsync(Hint(submitted.Out, "fetch it with: "), source);

        Assert.True(followed.ExitCode == 0, followed.ToString());
        AssertPng(Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "pics"))));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_resume_hint_after_a_timeout_waits_and_saves(KeySource source)
    {
        _pollingTimeout = TimeSpan.FromMilliseconds(20);
        var timedOut = await RunAsync([.. "generate|a slow fox|--out|pics".Split('|'), .. Connection(source)]);
        Assert.True(timedOut.ExitCode == 7, timedOut.ToString());
        _pollingTimeout = TimeSpan.FromSeconds(30);

        var followed = await RunHintAsync(Hint(timedOut.ErrorLine(), "resume with: "), source);

        Assert.True(followed.ExitCode == 0, followed.ToString());
        AssertPng(Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "pics"))));
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_save_hint_of_wait_without_out_downloads_the_images(KeySource source)
    {
        var id = SubmitDirectly();
        var waited = await RunAsync(["wait", id, .. Connection(source)]);
        Assert.True(waited.ExitCode == 0, waited.ToString());

        var followed = await RunHintAsync(Hint(waited.Out, "Save them with: "), source);

        Assert.True(followed.ExitCode == 0, followed.ToString());
        AssertPng(Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "output"))));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_hint_of_download_before_the_end_waits_and_saves(KeySource source)
    {
        var id = SubmitDirectly();
        var early = await RunAsync(["download", id, "--out", "pics", .. Connection(source)]);
        Assert.True(early.ExitCode == 1, early.ToString());

        var followed = await RunHintAsync(Hint(early.ErrorLine(), "save its images with: "), source);

        Assert.True(followed.ExitCode == 0, followed.ToString());
        AssertPng(Assert.Single(Directory.GetFiles(Path.Combine(WorkingDirectory, "pics"))));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_inspect_hint_of_a_failed_generation_shows_it(KeySource source)
    {
        Hub.Faults.FailNextGeneration();
        var failed = await RunAsync(["generate", "doomed", .. Connection(source)]);
        Assert.True(failed.ExitCode == 6, failed.ToString());

        var followed = await RunHintAsync(Hint(failed.ErrorLine(), "Inspect it with: "), source);

        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Contains("failed", followed.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_balance_hint_after_too_few_credits_shows_the_balance(KeySource source)
    {
        Hub.Faults.FailNext(402, "insufficientCredits", endpoint: EmulatorEndpoint.CreateGeneration);
        var refused = await RunAsync(["generate", "a pricey fox", .. Connection(source)]);
        Assert.True(refused.ExitCode == 4, refused.ToString());

        var followed = await RunHintAsync(Hint(refused.ErrorLine(), "Check the balance with: "), source);

        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Contains("100", followed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hints_start_the_way_gih_was_started()
    {
        CommandName = CliEnvironment.FromSourceCommandName;

        var submitted = await RunWithKeyAsync("generate", "a red fox", "--no-wait");

        Assert.Contains("fetch it with: dotnet run --project src/GptImageHub.Cli -- wait c", submitted.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_given_with_api_key_is_never_printed_in_a_hint()
    {
        var submitted = await RunWithKeyAsync("generate", "a red fox", "--no-wait");

        Assert.DoesNotContain(Key, submitted.Out, StringComparison.Ordinal);
        Assert.EndsWith(AddKeyNote, Hint(submitted.Out, "fetch it with: "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_key_env_naming_an_unset_variable_exits_2_naming_it()
    {
        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString(), "--api-key-env", "NOT_SET_HERE");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NOT_SET_HERE is not set", result.ErrorLine(), StringComparison.Ordinal);
    }

    /// <summary>The flags of a run whose key and address come from <paramref name="source"/>, after putting them there.</summary>
    private string[] Connection(KeySource source)
    {
        switch (source)
        {
            case KeySource.Flags:
                return ["--base-url", Hub.BaseAddress.ToString(), "--api-key", Key];
            case KeySource.ApiKeyEnvFlag:
                SetVariable("MY_HUB_KEY", Key);
                return ["--base-url", Hub.BaseAddress.ToString(), "--api-key-env", "MY_HUB_KEY"];
            case KeySource.Environment:
                SetVariable(GptImageHubClientOptions.BaseAddressEnvironmentVariable, Hub.BaseAddress.ToString());
                SetVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable, Key);
                return [];
            default:
                var folder = Directory.CreateDirectory(Path.Combine(WorkingDirectory, ".config", "gih"));
                File.WriteAllText(Path.Combine(folder.FullName, "config.json"), $$"""{"apiKey": "{{Key}}", "baseUrl": "{{Hub.BaseAddress}}"}""");
                return [];
        }
    }

    /// <summary>Submits a job straight to the emulator, so that gih's first command is the one under test.</summary>
    private string SubmitDirectly()
    {
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = Key, BaseAddress = Hub.BaseAddress });
        return client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a waiting fox"), Ct).GetAwaiter().GetResult().Id;
    }

    /// <summary>The command printed after <paramref name="marker"/>, to the end of its line.</summary>
    private static string Hint(string output, string marker)
    {
        var start = output.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"No '{marker}' in:\n{output}");
        var hint = output[(start + marker.Length)..].Split('\n')[0].TrimEnd();
        Assert.StartsWith("gih ", hint, StringComparison.Ordinal);
        return hint;
    }

    /// <summary>Runs a printed hint as a shell would split it; with a key from <c>--api-key</c>, adds it as the hint says.</summary>
    private Task<CliResult> RunHintAsync(string hint, KeySource source)
    {
        if (source == KeySource.Flags)
        {
            Assert.EndsWith(AddKeyNote, hint, StringComparison.Ordinal);
            hint = hint[..^AddKeyNote.Length] + " --api-key " + Key;
        }
        else
        {
            Assert.DoesNotContain("<", hint, StringComparison.Ordinal);
        }

        return RunAsync(ShellWords(hint["gih ".Length..]));
    }

    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '"')
            {
                var end = line.IndexOf('"', i + 1);
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
