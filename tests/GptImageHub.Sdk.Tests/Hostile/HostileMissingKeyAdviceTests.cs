using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// AddGptImageHub with no key: the first call's <see cref="MissingApiKeyException"/> said "Set
/// GptImageHubClientOptions.ApiKey or the GPTIMAGEHUB_API_KEY environment variable" whatever the registration, so an
/// app bound from the "GptImageHub" section was never told <c>GptImageHub:ApiKey</c> (or <c>GptImageHub__ApiKey</c>), and
/// a named client was told to set a variable it never reads. The message now names where this registration reads the
/// key (configuration path, delegate), and the variable only for the client that reads it; the start-up refusal of a
/// malformed key names where it came from, never its value.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class HostileMissingKeyAdviceTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await GptImageHubEmulator.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_client_bound_from_a_section_without_a_key_names_the_sections_key_and_the_variables()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        var services = new ServiceCollection();
        services.AddGptImageHub(Section("GptImageHub", new() { ["GptImageHub:BaseAddress"] = _hub.BaseAddress.AbsoluteUri }));
        using var provider = services.BuildServiceProvider();

        var missing = await Assert.ThrowsAsync<MissingApiKeyException>(() => provider.GetRequiredService<IGptImageHubClient>().GetCreditsAsync(Ct));

        Assert.Equal(
            "No API key is configured. Set GptImageHub:ApiKey in configuration (environment variable GptImageHub__ApiKey), or the GPTIMAGEHUB_API_KEY environment variable.",
            missing.Message);
    }

    [Fact]
    public async Task A_named_client_bound_from_a_section_without_a_key_names_its_own_key_and_not_the_default_clients_variable_as_a_fix()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        var services = new ServiceCollection();
        services.AddGptImageHub("team-b", Section("Clients:TeamB", new() { ["Clients:TeamB:BaseAddress"] = _hub.BaseAddress.AbsoluteUri }));
        using var provider = services.BuildServiceProvider();

        var missing = await Assert.ThrowsAsync<MissingApiKeyException>(() => provider.GetRequiredKeyedService<IGptImageHubClient>("team-b").GetCreditsAsync(Ct));

        Assert.Equal(
            "No API key is configured for this named client. Set Clients:TeamB:ApiKey in configuration (environment variable Clients__TeamB__ApiKey); a named client never reads GPTIMAGEHUB_API_KEY, the default client's key.",
            missing.Message);
    }

    [Fact]
    public async Task A_client_configured_by_a_delegate_without_a_key_names_the_delegate()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        var services = new ServiceCollection();
        services.AddGptImageHub(o => o.BaseAddress = _hub.BaseAddress);
        using var provider = services.BuildServiceProvider();

        var missing = await Assert.ThrowsAsync<MissingApiKeyException>(() => provider.GetRequiredService<IGptImageHubClient>().GetCreditsAsync(Ct));

        Assert.Equal(
            "No API key is configured. Set options.ApiKey in AddGptImageHub(options => ...), or the GPTIMAGEHUB_API_KEY environment variable.",
            missing.Message);
    }

    [Fact]
    public void A_malformed_key_from_a_section_is_refused_at_start_naming_its_configuration_key_and_never_its_value()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        const string Pasted = "gih_live_0123456789 abcdefghijklmnopqrstuv";
        var services = new ServiceCollection();
        services.AddGptImageHub(Section("GptImageHub", new() { ["GptImageHub:ApiKey"] = Pasted, ["GptImageHub:BaseAddress"] = _hub.BaseAddress.AbsoluteUri }));
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<GptImageHubClientOptions>>().Get(Options.DefaultName));

        Assert.Contains("GptImageHub: The API key (from GptImageHub:ApiKey in configuration (environment variable GptImageHub__ApiKey)) contains white space", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_key_from_the_environment_is_blamed_on_the_variable()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: "gih_live_0123456789 abcdefghijklmnopqrstuv", baseUrl: null);
        var services = new ServiceCollection();
        services.AddGptImageHub(Section("GptImageHub", new() { ["GptImageHub:BaseAddress"] = _hub.BaseAddress.AbsoluteUri }));
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<GptImageHubClientOptions>>().Get(Options.DefaultName));

        Assert.Contains("The API key (from GPTIMAGEHUB_API_KEY) contains white space", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789", refused.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(string path, Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(path);
}
