using System.Net;
using System.Net.Sockets;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

public sealed class CliExitCodeTests : CliTestBase
{
    private int _maxRetries;

    protected override void ConfigureClient(GptImageHubClientOptions options)
    {
        base.ConfigureClient(options);
        options.MaxRetries = _maxRetries;
    }

    [Fact]
    public async Task Help_and_version_exit_0()
    {
        var help = await RunAsync("--help");
        var version = await RunAsync("--version");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("gih [command] [options]", help.Out, StringComparison.Ordinal);
        Assert.Contains("emulator", help.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 done, 1 local error", help.Out, StringComparison.Ordinal);
        Assert.Contains("10 batch items skipped or unknown, 130 Ctrl+C.", help.Out, StringComparison.Ordinal);
        Assert.Equal(0, version.ExitCode);
        Assert.NotEmpty(version.Out.Trim());
    }

    [Theory]
    [InlineData("Unknown option '--bogus' for 'gih credits'.", "credits --bogus")]
    [InlineData("Required command was not provided", "")]
    [InlineData("Required argument missing", "generate")]
    [InlineData("-n must be 1 to 4", "generate fox -n 9")]
    [InlineData("'five'", "generate fox -n five")]
    [InlineData("--port must be 0 to 65535", "emulator --port 70000")]
    [InlineData("--credits must be 0 or more", "emulator --credits -5")]
    public async Task Usage_errors_exit_2_with_one_line_naming_the_help(string expected, string commandLine)
    {
        var result = await RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, result.ExitCode);
        var line = result.ErrorLine();
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains("--help'", line, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Usage_error_with_json_also_prints_the_error_document()
    {
        var result = await RunAsync("generate", "--json");

        Assert.Equal(2, result.ExitCode);
        var error = result.Json().GetProperty("error");
        Assert.Equal("usage", error.GetProperty("kind").GetString());
        Assert.Equal(2, error.GetProperty("exit_code").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("generation_id").ValueKind);
        Assert.Equal(result.ErrorLine(), "gih: " + error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/")]
    [InlineData("http://example.com/")]
    public async Task A_bad_base_url_exits_2(string baseUrl)
    {
        var result = await RunAsync("credits", "--base-url", baseUrl, "--api-key", Key);

        Assert.Equal(2, result.ExitCode);
        result.ErrorLine();
    }

    [Fact]
    public async Task An_unknown_key_exits_3()
    {
        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString(), "--api-key", "gih_live_" + new string('x', 32));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("The API key was refused", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Contains("(key from --api-key)", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_exits_3_on_generate_without_charging()
    {
        Hub.RevokeApiKey(Key);

        var result = await RunWithKeyAsync("generate", "fox", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("auth", result.Json().GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(0, Hub.Ledger.TotalCharged);
    }

    [Fact]
    public async Task Too_few_credits_exits_4()
    {
        var poor = Hub.CreateApiKey(credits: 4);

        var result = await RunAsync("generate", "fox", "--base-url", Hub.BaseAddress.ToString(), "--api-key", poor);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("Not enough credits", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Contains("gih credits", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("resume", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("wait")]
    [InlineData("download")]
    public async Task An_unknown_generation_exits_5(string command)
    {
        var result = await RunWithKeyAsync(command == "download" ? [command, "cunknowngeneration0000000", "--out", "pics", "--json"] : [command, "cunknowngeneration0000000", "--json"]);

        Assert.Equal(5, result.ExitCode);
        var error = result.Json().GetProperty("error");
        Assert.Equal("not_found", error.GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("generation_id").ValueKind);
        Assert.Contains("Not found", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("resume", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_generation_exits_6_and_names_it()
    {
        Hub.Faults.FailNextGeneration();

        var result = await RunWithKeyAsync("generate", "doomed", "--json");

        Assert.Equal(6, result.ExitCode);
        var id = Assert.Single(Hub.Ledger.Entries, e => e.Kind == LedgerEntryKind.Charge).GenerationId;
        var error = result.Json().GetProperty("error");
        Assert.Equal("generation_failed", error.GetProperty("kind").GetString());
        Assert.Equal(6, error.GetProperty("exit_code").GetInt32());
        Assert.Equal(id, error.GetProperty("generation_id").GetString());
        Assert.Contains($"Inspect it with: gih get {id}", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task A_closed_port_exits_8()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await RunAsync("credits", "--base-url", $"http://127.0.0.1:{port}/", "--api-key", Key);

        Assert.Equal(8, result.ExitCode);
        Assert.Contains($"Could not reach http://127.0.0.1:{port}/", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_503_that_outlasts_the_retries_exits_9()
    {
        _maxRetries = 2;
        Hub.Faults.FailNext(503, count: 3, retryAfter: TimeSpan.Zero);

        var result = await RunWithKeyAsync("credits");

        Assert.Equal(9, result.ExitCode);
        Assert.Contains("503", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Equal(0, Hub.Faults.PendingCount);
    }

    [Fact]
    public async Task A_503_within_the_retries_still_succeeds()
    {
        _maxRetries = 2;
        Hub.Faults.FailNext(503, count: 2, retryAfter: TimeSpan.Zero);

        var result = await RunWithKeyAsync("credits", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(100, result.Json().GetProperty("credits").GetInt64());
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_after_the_line()
    {
        var quiet = await RunAsync("get", "c1", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key);
        var verbose = await RunAsync("get", "c1", "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key, "--verbose");

        Assert.Equal(5, quiet.ExitCode);
        Assert.DoesNotContain(" at ", quiet.Error, StringComparison.Ordinal);
        Assert.Equal(5, verbose.ExitCode);
        Assert.Contains("GptImageHub.Sdk.NotFoundException", verbose.Error, StringComparison.Ordinal);
        Assert.Contains(" at ", verbose.Error, StringComparison.Ordinal);
    }
}
