using GptImageHub.Emulator;
using GptImageHub.Samples.QuickStart;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.EndToEnd;

/// <summary>
/// The quickstart with a key, pointed at an emulator by the two variables <c>gih emulator</c> prints,
/// as a user with a real key would run it: its failures are one line and gih's exit code.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class QuickStartWithKeyTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-quickstart-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task With_the_exported_key_and_address_it_generates_on_that_service()
    {
        var key = _hub.CreateApiKey(credits: 100);
        var (exitCode, output, error) = await RunAsync(key);

        Assert.True(exitCode == 0, output + error);
        Assert.Single(Directory.GetFiles(_directory, "*.png"));
        Assert.Equal(92, _hub.Ledger.GetBalance(key));
    }

    [Theory]
    [InlineData("refused", 3)]
    [InlineData("poor", 4)]
    [InlineData("unreachable", 8)]
    [InlineData("api-path", 2)]
    [InlineData("site-path", 2)]
    public async Task A_service_error_is_one_line_and_the_exit_code_gih_uses(string situation, int expectedExitCode)
    {
        var key = situation switch
        {
            "refused" => "gih_live_" + new string('x', 32),
            _ => _hub.CreateApiKey(credits: 3),
        };
        var baseUrl = situation switch
        {
            "unreachable" => "http://127.0.0.1:1/",
            "api-path" => new Uri(_hub.BaseAddress, "api/v1/").ToString(),   // pasted with the API's own path: the address, not a generation, is wrong
            "site-path" => new Uri(_hub.BaseAddress, "site/").ToString(),    // a path with no API at all: a 404 that is not the service's JSON (gih says 2 too; 9 before)
            _ => null,
        };

        var (exitCode, _, error) = await RunAsync(key, baseUrl);

        Assert.Equal(expectedExitCode, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("quickstart: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string key, string? baseUrl = null)
    {
        using var environment = EnvironmentScope.Sdk(key, baseUrl ?? _hub.BaseAddress.ToString());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await QuickStartApp.RunAsync(["a red fox"], output, error, key, _directory, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }
}
