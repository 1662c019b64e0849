using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// appsettings.json with values the binder cannot convert (<c>"RequestTimeout": "banana"</c>, a key pasted into
/// <c>MaxRetries</c>). The host stopped with the binder's own <see cref="InvalidOperationException"/>: the first bad
/// value only (fix, restart, find the next), quoted, so a misplaced key was printed whole. Start-up must name every bad
/// setting at once, with the rules' other failures, and quote none.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class HostileConfigurationValueTests
{
    private const string Key = "gih_live_Misplaced0123456789abcdefghijklm";

    [Fact]
    public void Every_unconvertible_value_is_named_at_start_with_the_other_failures_and_none_is_quoted()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GptImageHub:ApiKey"] = "gih_live_" + new string('a', 32),
            ["GptImageHub:RequestTimeout"] = "banana",
            ["GptImageHub:MaxRetries"] = Key,
            ["GptImageHub:Polling:Timeout"] = "soon",
            ["GptImageHub:BaseAddress"] = "http://example.com/",
            ["GptImageHub:MaxCreditsPerRequest"] = "50",
        }).Build();
        var services = new ServiceCollection();
        services.AddGptImageHub(configuration.GetSection("GptImageHub"));
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GptImageHubClientOptions>>().Value);

        Assert.Contains("GptImageHub:RequestTimeout cannot be read as a TimeSpan.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("GptImageHub:MaxRetries cannot be read as an Int32.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("GptImageHub:Polling:Timeout cannot be read as a TimeSpan.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("uses plain http to a host that is not loopback", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("banana", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_that_convert_are_bound_and_a_good_section_binds_as_before()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GptImageHub:ApiKey"] = "gih_live_" + new string('a', 32),
            ["GptImageHub:RequestTimeout"] = "00:00:42",
            ["GptImageHub:Polling:Timeout"] = "00:02:00",
            ["GptImageHub:MaxCreditsPerRequest"] = "50",
        }).Build();
        var services = new ServiceCollection();
        services.AddGptImageHub(configuration.GetSection("GptImageHub"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<GptImageHubClientOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(42), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Polling.Timeout);
        Assert.Equal(50, options.MaxCreditsPerRequest);
    }
}
