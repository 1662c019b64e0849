using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

/// <summary>GPTIMAGEHUB_API_KEY and GPTIMAGEHUB_BASE_URL fill what the caller leaves unset; what the caller sets wins.</summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class EnvironmentConfigurationTests : IDisposable
{
    private const string EnvironmentKey = "gih_live_fromEnvironment0000000000000";
    private readonly WireMockServer _server = WireMockServer.Start();

    public EnvironmentConfigurationTests() => _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":7}""");

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task The_parameterless_constructor_takes_the_key_and_the_address_from_the_environment()
    {
        using var environment = EnvironmentScope.Sdk(EnvironmentKey, _server.BaseUri().ToString());
        using var client = new GptImageHubClient();

        Assert.Equal(7, (await client.GetCreditsAsync(TestContext.Current.CancellationToken)).Credits);

        Assert.Equal(_server.BaseUri(), client.BaseAddress);
        Assert.Equal("Bearer " + EnvironmentKey, Assert.Single(_server.Requests()).Header("Authorization"));
    }

    [Fact]
    public async Task A_client_built_from_a_key_alone_goes_to_GPTIMAGEHUB_BASE_URL()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, _server.BaseUri().ToString());
        using var client = new GptImageHubClient(TestKeys.ApiKey);

        await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("Bearer " + TestKeys.ApiKey, Assert.Single(_server.Requests()).Header("Authorization"));
    }

    [Fact]
    public async Task New_options_without_an_address_take_GPTIMAGEHUB_BASE_URL()
    {
        using var environment = EnvironmentScope.Sdk(EnvironmentKey, _server.BaseUri().ToString());
        using var client = new GptImageHubClient(new GptImageHubClientOptions());

        await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Single(_server.Requests());
    }

    [Fact]
    public void An_explicit_address_and_key_win_over_the_environment()
    {
        using var environment = EnvironmentScope.Sdk(EnvironmentKey, "http://127.0.0.1:1/");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = _server.BaseUri() });

        Assert.Equal(_server.BaseUri(), client.BaseAddress);
    }

    [Fact]
    public void Without_the_variables_the_client_goes_to_the_public_service()
    {
        using var environment = EnvironmentScope.Sdk(apiKey: null, baseUrl: null);
        using var client = new GptImageHubClient(TestKeys.ApiKey);

        Assert.Equal(GptImageHubClientOptions.DefaultBaseAddress, client.BaseAddress);
        Assert.Null(new GptImageHubClientOptions().BaseAddress);
    }

    [Fact]
    public void A_malformed_GPTIMAGEHUB_BASE_URL_is_refused_naming_the_variable()
    {
        using var environment = EnvironmentScope.Sdk(EnvironmentKey, "localhost:5000");

        var ex = Assert.Throws<ArgumentException>(() => new GptImageHubClient());

        Assert.Contains("GPTIMAGEHUB_BASE_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dependency_injection_without_key_or_address_takes_both_from_the_environment()
    {
        using var environment = EnvironmentScope.Sdk(EnvironmentKey, _server.BaseUri().ToString());
        var services = new ServiceCollection();
        services.AddGptImageHub(_ => { });
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IGptImageHubClient>();
        await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("Bearer " + EnvironmentKey, Assert.Single(_server.Requests()).Header("Authorization"));
    }
}
