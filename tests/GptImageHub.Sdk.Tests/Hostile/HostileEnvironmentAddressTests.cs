using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An address exported in <c>GPTIMAGEHUB_BASE_URL</c> (the emulator's export line, edited by hand) that the SDK refuses:
/// the message blamed <c>BaseAddress</c>, a property the user never set, so they searched their code for it. It must
/// name the variable they did set; an address set in code is still named <c>BaseAddress</c>.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class HostileEnvironmentAddressTests
{
    private const string Key = "gih_live_0123456789abcdefghijklmnopqrstuv";

    [Theory]
    [InlineData("http://example.com/", "GPTIMAGEHUB_BASE_URL 'http://example.com' uses plain http to a host that is not loopback")]
    [InlineData("http://127.0.0.1:5000/?x=1", "GPTIMAGEHUB_BASE_URL must not carry user info, a query or a fragment.")]
    [InlineData("http://user:pw@127.0.0.1:5000/", "GPTIMAGEHUB_BASE_URL must not carry user info, a query or a fragment.")]
    public void An_address_refused_from_the_environment_names_the_variable_not_BaseAddress(string address, string expected)
    {
        using var environment = EnvironmentScope.Sdk(Key, address);

        var refused = Assert.Throws<ArgumentException>(() => new GptImageHubClient());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BaseAddress", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_refused_from_code_still_names_BaseAddress()
    {
        using var environment = EnvironmentScope.Sdk(Key, "http://127.0.0.1:5000/");

        var refused = Assert.Throws<ArgumentException>(() => new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = new Uri("http://example.com/") }));

        Assert.Contains("BaseAddress 'http://example.com' uses plain http", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("GPTIMAGEHUB_BASE_URL", refused.Message, StringComparison.Ordinal);
    }
}
