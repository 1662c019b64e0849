using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A newcomer's first hour with gih: a mistyped option on a command without an argument, a mistyped command, an
/// address pasted with the API's own path, an https address to a plain-http server. Each must be one line that says
/// what to change, with the documented exit code, before any charge.
/// </summary>
public sealed class HostileCliNewcomerTests : CliTestBase
{
    [Theory]
    [InlineData("models|--jsn", "Unknown option '--jsn' for 'gih models' (did you mean --json?).")]
    [InlineData("credits|--verbsoe", "Unknown option '--verbsoe' for 'gih credits' (did you mean --verbose?).")]
    [InlineData("credits|--base-ulr|http://127.0.0.1:1/", "Unknown option '--base-ulr' for 'gih credits' (did you mean --base-url?).")]
    public async Task A_mistyped_option_of_a_command_without_an_argument_names_the_closest_real_one(string commandLine, string expected)
    {
        var result = await RunWithKeyAsync(commandLine.Split('|'));

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.StartsWith("gih: " + expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_option_before_the_prompt_is_named_once_and_the_prompt_is_not_called_unrecognized()
    {
        var result = await RunWithKeyAsync("generate", "--modle", "gpt-image-2", "a red fox");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("Unknown option '--modle' for 'gih generate' (did you mean --model?).", line, StringComparison.Ordinal);
        Assert.Contains(" A prompt that starts with '-' goes after '--'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("An prompt", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_mistyped_option_before_an_id_says_an_id()
    {
        var result = await RunWithKeyAsync("wait", "--ot", "pics", "c123");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("(did you mean --out?)", line, StringComparison.Ordinal);
        Assert.Contains(" An id that starts with '-'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_command_names_the_closest_real_one()
    {
        var result = await RunWithKeyAsync("generat", "a red fox");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.StartsWith("gih: Unknown command 'generat' (did you mean generate?).", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", line, StringComparison.Ordinal);
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    [Theory]
    [InlineData("models")]
    [InlineData("credits")]
    [InlineData("generate|a red fox")]
    public async Task An_address_with_the_apis_own_path_is_a_usage_error_that_names_the_address_to_fix(string commandLine)
    {
        var address = new Uri(Hub.BaseAddress, "api/v1/").ToString();

        var result = await RunAsync([.. commandLine.Split('|'), "--base-url", address, "--api-key", Key]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("/api/v1/api/v1/", line, StringComparison.Ordinal);
        Assert.Contains($" at the base address {address}", line, StringComparison.Ordinal);
        Assert.Contains("--base-url", line, StringComparison.Ordinal);
        Assert.DoesNotContain("no such generation", line, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task A_generation_that_does_not_exist_is_still_not_found()
    {
        var result = await RunWithKeyAsync("get", "cnosuchgeneration00000000");

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.DoesNotContain("base address", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_https_address_to_a_plain_http_server_says_why_the_tls_handshake_failed_not_see_inner_exception()
    {
        var address = new UriBuilder(Hub.BaseAddress) { Scheme = "https" }.Uri.ToString();

        var result = await RunAsync("credits", "--base-url", address, "--api-key", Key);

        Assert.True(result.ExitCode == 8, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("The SSL connection could not be established: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_status_help_shows_how_it_is_run_without_the_batch_file()
    {
        var result = await RunAsync("batch", "status", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("gih batch status [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--postgres <connection-string>", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("<file>", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Arguments:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_help_still_shows_its_file()
    {
        var result = await RunAsync("batch", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("gih batch <file> [command] [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("Arguments:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_option_of_batch_status_names_the_command_as_it_is_typed()
    {
        var result = await RunAsync("batch", "status", "--batch-nam", "x");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("Unknown option '--batch-nam' for 'gih batch status' (did you mean --batch-name?).", line, StringComparison.Ordinal);
        Assert.EndsWith("See 'gih batch status --help'.", line, StringComparison.Ordinal);
    }
}
