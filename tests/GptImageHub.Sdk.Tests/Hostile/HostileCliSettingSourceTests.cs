using GptImageHub.Sdk.Tests.Cli;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Settings gih passes to the SDK were refused in the SDK's words. A key pasted with a stray character (an accent,
/// "Bearer " in front) gave "The API key (from ApiKey) contains white space ...", naming the SDK's property, which a gih
/// user never set, instead of where the key came from; an address with a password, a query or a fragment gave
/// "BaseAddress must not carry user info ...", and over plain http to another host the line repeated the address,
/// password included. Now both lines name the place gih read the setting from, and the address is not repeated.
/// </summary>
public sealed class HostileCliSettingSourceTests : CliTestBase
{
    [Fact]
    public async Task A_malformed_key_from_the_environment_is_blamed_on_the_variable()
    {
        SetVariable("GPTIMAGEHUB_API_KEY", "Bearer " + Key);

        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("The API key (from GPTIMAGEHUB_API_KEY) contains white space", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('"')]
    [InlineData('\'')]
    public async Task A_key_copied_with_its_quotes_is_refused_before_any_request_saying_to_remove_them(char quote)
    {
        // As copied from a .env or JSON file: the service only said "Invalid API key" (exit 3), about a key right inside.
        SetVariable("GPTIMAGEHUB_API_KEY", quote + Key + quote);

        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.Contains("The API key (from GPTIMAGEHUB_API_KEY) is wrapped in quotes", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_key_from_api_key_env_is_blamed_on_that_variable()
    {
        SetVariable("MY_KEY", Key + "é");

        var result = await RunAsync("credits", "--base-url", Hub.BaseAddress.ToString(), "--api-key-env", "MY_KEY");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("The API key (from --api-key-env MY_KEY) contains", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://me:s3cretpw@example.com/")]
    [InlineData("https://me:s3cretpw@example.com/")]
    [InlineData("https://example.com/?token=s3cretpw")]
    [InlineData("https://example.com/#s3cretpw")]
    public async Task An_address_with_user_info_a_query_or_a_fragment_names_base_url_and_is_not_repeated(string address)
    {
        var result = await RunAsync("credits", "--base-url", address, "--api-key", Key);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = result.ErrorLine();
        Assert.StartsWith("gih: The base URL (--base-url) must not carry user info, a query or a fragment", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("BaseAddress", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_with_user_info_from_the_environment_is_blamed_on_the_variable()
    {
        SetVariable("GPTIMAGEHUB_BASE_URL", "https://me:s3cretpw@example.com/");

        var result = await RunAsync("credits", "--api-key", Key);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("gih: The base URL (GPTIMAGEHUB_BASE_URL) must not carry", result.ErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", result.Error, StringComparison.Ordinal);
    }
}
