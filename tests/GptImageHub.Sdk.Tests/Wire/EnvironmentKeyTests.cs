using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

/// <summary>Tests that change the process's GPTIMAGEHUB_API_KEY; they run one at a time, in one class.</summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class EnvironmentKeyTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task GetCredits_without_a_key_throws_MissingApiKeyException_naming_the_variable_and_sends_nothing()
    {
        var previous = Environment.GetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable);
        Environment.SetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable, null);
        try
        {
            using var client = new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = _server.BaseUri() });

            var ex = await Assert.ThrowsAsync<MissingApiKeyException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));

            Assert.Contains("GPTIMAGEHUB_API_KEY", ex.Message, StringComparison.Ordinal);
            Assert.Null(ex.StatusCode);
            Assert.Empty(_server.Requests());
        }
        finally
        {
            Environment.SetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable, previous);
        }
    }

    [Fact]
    public async Task The_key_falls_back_to_the_GPTIMAGEHUB_API_KEY_variable()
    {
        _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":1}""");
        var previous = Environment.GetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable);
        Environment.SetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable, "gih_live_fromEnvironment");
        try
        {
            using var client = new GptImageHubClient(new GptImageHubClientOptions { BaseAddress = _server.BaseUri() });

            await client.GetCreditsAsync(TestContext.Current.CancellationToken);

            Assert.Equal("Bearer gih_live_fromEnvironment", Assert.Single(_server.Requests()).Header("Authorization"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable, previous);
        }
    }
}
