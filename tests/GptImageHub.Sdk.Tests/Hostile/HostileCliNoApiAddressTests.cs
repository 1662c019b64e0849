using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An address with no API at it that answers 404 without the service's JSON (a web site's HTML page, a proxy's empty
/// 404): the README's exit-code table calls that usage (2, fix the address), as it is for <c>.../api/v1/</c>, but gih
/// exited 9 ("The service failed: The service returned HTTP 404  with an empty body", two spaces) with no word of
/// <c>--base-url</c>. Now a 404 on a path that always exists is exit 2 and says which setting to fix, whatever the body.
/// </summary>
public sealed class HostileCliNoApiAddressTests : CliTestBase
{
    [Theory]
    [InlineData("models")]
    [InlineData("credits")]
    [InlineData("generate|a red fox")]
    public async Task An_address_below_the_root_whose_404_is_empty_is_a_usage_error_naming_the_setting(string commandLine)
    {
        var address = new Uri(Hub.BaseAddress, "site/").ToString();

        var result = await RunAsync([.. commandLine.Split('|'), "--base-url", address, "--api-key", Key]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("HTTP 404 with an empty body", line, StringComparison.Ordinal);
        Assert.Contains($" at the base address {address}", line, StringComparison.Ordinal);
        Assert.Contains("fix --base-url", line, StringComparison.Ordinal);
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
    }

    [Fact]
    public async Task A_web_pages_html_404_on_credits_is_a_usage_error_naming_the_setting()
    {
        Hub.Faults.RespondNext(404, "<html><body><h1>Not Found</h1></body></html>", endpoint: EmulatorEndpoint.Credits);

        var result = await RunWithKeyAsync("credits", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        var error = result.Json().GetProperty("error");
        Assert.Equal("usage", error.GetProperty("kind").GetString());
        Assert.Contains("fix --base-url", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
