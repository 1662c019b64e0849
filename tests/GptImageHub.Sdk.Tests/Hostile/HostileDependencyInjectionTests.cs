using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Named clients exist to keep accounts apart ("such as a second key"). The environment's key is the
/// default client's; a named client whose own key is missing (a typo in its section) must not quietly
/// charge the default account instead.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class HostileDependencyInjectionTests : IAsyncLifetime
{
    private GptImageHubEmulator _hub = null!;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(200) }, T);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_named_client_without_its_own_key_never_sends_the_default_key_from_the_environment()
    {
        var defaultKey = _hub.CreateApiKey(credits: 111);
        using var environment = EnvironmentScope.Sdk(defaultKey, baseUrl: null);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TeamB:BaseAddress"] = _hub.BaseAddress.AbsoluteUri,
            ["TeamB:ApiKye"] = "gih_live_typo_in_the_setting_name",
        }).Build();
        var services = new ServiceCollection();
        services.AddGptImageHub(o => o.BaseAddress = _hub.BaseAddress);
        services.AddGptImageHub("team-b", configuration.GetSection("TeamB"));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // The default client reads the environment, as documented.
        Assert.Equal(111, (await provider.GetRequiredService<IGptImageHubClient>().GetCreditsAsync(T)).Credits);

        await Assert.ThrowsAsync<MissingApiKeyException>(() => provider.GetRequiredKeyedService<IGptImageHubClient>("team-b").GetCreditsAsync(T));
        Assert.Equal(1, _hub.Ledger.Entries.Count(e => e.Kind == LedgerEntryKind.Grant));
    }

    /// <summary>Clients of one name share a core; ending one scope (disposing its client) must stop that client's calls only.</summary>
    [Fact]
    public async Task Disposing_one_scopes_client_ends_its_own_wait_and_not_the_wait_of_a_client_from_another_scope()
    {
        var key = _hub.CreateApiKey(credits: 1_000);
        var services = new ServiceCollection();
        services.AddGptImageHub(o =>
        {
            o.ApiKey = key;
            o.BaseAddress = _hub.BaseAddress;
            o.Polling.InitialInterval = TimeSpan.FromMilliseconds(10);
            o.Polling.MaxInterval = TimeSpan.FromMilliseconds(20);
        });
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var ending = provider.CreateScope();
        using var staying = provider.CreateScope();
        var request = new ImageGenerationRequest("gpt-image-2", "two scopes") { Quality = ImageQuality.Tier1K };

        var ended = await ending.ServiceProvider.GetRequiredService<IGptImageHubClient>().StartImageGenerationAsync(request with { Prompt = "ending scope" }, T);
        var stayed = await staying.ServiceProvider.GetRequiredService<IGptImageHubClient>().StartImageGenerationAsync(request with { Prompt = "staying scope" }, T);
        var stopped = ended.WaitForCompletionAsync(cancellationToken: T);
        var kept = stayed.WaitForCompletionAsync(cancellationToken: T);

        ending.Dispose();

        var disposed = await Assert.ThrowsAsync<ClientDisposedException>(() => stopped);
        Assert.Equal(ended.Id, disposed.GenerationId);
        Assert.Equal(GenerationStatus.Succeeded, (await kept).Status);
    }
}
