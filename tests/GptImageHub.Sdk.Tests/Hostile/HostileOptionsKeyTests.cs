using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// <see cref="GptImageHubClientOptions.ToString"/> says it describes the settings without the key, and printed the
/// key as <c>(set)</c>; but it printed the base address whole, and a key pasted into the address (as its user info, as
/// <c>?api_key=</c>, both of which the client refuses, or as a path segment) was printed with it, wherever the options
/// are printed: a log of the configuration, a test's output, a debugger.
/// </summary>
public sealed class HostileOptionsKeyTests
{
    [Theory]
    [InlineData("https://user:{0}@proxy.example/v1/", "https://proxy.example/v1/")]
    [InlineData("https://proxy.example/v1/?api_key={0}", "https://proxy.example/v1/")]
    [InlineData("https://proxy.example/v1/#{0}", "https://proxy.example/v1/")]
    [InlineData("https://proxy.example/{0}/v1/", "https://proxy.example/[redacted]/v1/")]
    [InlineData("http://127.0.0.1:5080/", "http://127.0.0.1:5080/")]
    public void The_options_description_never_shows_the_key_written_into_the_base_address(string address, string shown)
    {
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, address, TestKeys.ApiKey)) };

        var text = options.ToString();

        Assert.DoesNotContain("T3stK3y", text, StringComparison.Ordinal);
        Assert.Contains("BaseAddress = " + shown + ",", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey = (set)", text, StringComparison.Ordinal);
    }
}
