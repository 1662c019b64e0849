using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Wire;

public sealed class ClientOptionsTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public void Defaults_match_their_documentation()
    {
        var options = new GptImageHubClientOptions();

        Assert.Null(options.BaseAddress); // GPTIMAGEHUB_BASE_URL, else DefaultBaseAddress
        Assert.Equal(new Uri("https://www.gptimagehub.com/"), GptImageHubClientOptions.DefaultBaseAddress);
        Assert.Equal(GenerationMode.Polling, options.GenerationMode);
        Assert.Equal(TimeSpan.FromSeconds(100), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(900), options.ServerWaitTimeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.False(options.AllowInsecureHttp);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Polling.InitialInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Polling.MaxInterval);
        Assert.Equal(TimeSpan.FromMinutes(20), options.Polling.Timeout);
        Assert.True(options.Polling.UseJitter);
    }

    [Fact]
    public void The_server_wait_default_outlasts_the_longest_documented_generation()
    {
        Assert.True(new GptImageHubClientOptions().ServerWaitTimeout >= TimeSpan.FromSeconds(900));
        Assert.True(new GptImageHubClientOptions().Polling.Timeout > TimeSpan.FromSeconds(800));
    }

    [Fact]
    public void A_client_that_owns_its_HttpClient_turns_off_HttpClient_Timeout()
    {
        using var client = new GptImageHubClient(TestKeys.ApiKey);

        Assert.Equal(Timeout.InfiniteTimeSpan, client.HttpClient.Timeout);
    }

    [Fact]
    public void ServerWait_over_an_HttpClient_whose_timeout_would_cut_the_wait_is_refused()
    {
        using var httpClient = new HttpClient();

        var ex = Assert.Throws<ArgumentException>(() => new GptImageHubClient(httpClient, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, GenerationMode = GenerationMode.ServerWait }));

        Assert.Contains("httpClient.Timeout (100 s) is shorter than ServerWaitTimeout (900 s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Polling_over_an_HttpClient_with_the_default_timeout_is_accepted()
    {
        using var httpClient = new HttpClient();
        using var client = new GptImageHubClient(httpClient, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey });

        Assert.Equal(new Uri("https://www.gptimagehub.com/"), client.BaseAddress);
    }

    [Theory]
    [InlineData("http://api.example.com/")]
    [InlineData("http://10.0.0.5:8080/")]
    public void Plain_http_to_a_host_that_is_not_loopback_is_refused_with_a_reason(string address)
    {
        var ex = Assert.Throws<ArgumentException>(() => new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri(address) }));

        Assert.Contains("plain http", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowInsecureHttp", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5000/")]
    [InlineData("http://127.0.0.1:5000/")]
    [InlineData("http://127.0.0.2:5000/")]
    [InlineData("http://[::1]:5000/")]
    public void Plain_http_to_loopback_is_accepted(string address)
    {
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri(address) });

        Assert.Equal(new Uri(address), client.BaseAddress);
    }

    [Fact]
    public void Plain_http_elsewhere_is_accepted_when_the_caller_opts_in()
    {
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://api.internal/"), AllowInsecureHttp = true });

        Assert.Equal(new Uri("http://api.internal/"), client.BaseAddress);
    }

    [Fact]
    public async Task A_base_address_with_a_path_keeps_the_path_for_every_endpoint()
    {
        _server.StubJson("GET", "/hub/api/v1/models", 200, "[]");
        using var client = _server.CreateSdkClient(o => o.BaseAddress = new Uri(_server.BaseUri(), "hub"));

        await client.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("/hub/api/v1/models", Assert.Single(_server.Requests()).RequestMessage.Path);
    }

    public static TheoryData<string, Action<GptImageHubClientOptions>> InvalidOptions => new()
    {
        { "RequestTimeout", o => o.RequestTimeout = TimeSpan.Zero },
        { "ServerWaitTimeout", o => o.ServerWaitTimeout = TimeSpan.FromSeconds(-1) },
        { "MaxRetries", o => o.MaxRetries = -1 },
        { "MaxRetries", o => o.MaxRetries = 11 },
        { "Polling.InitialInterval", o => o.Polling.InitialInterval = TimeSpan.Zero },
        { "Polling.MaxInterval", o => o.Polling.MaxInterval = TimeSpan.FromMilliseconds(500) },
        { "Polling.Timeout", o => o.Polling.Timeout = TimeSpan.Zero },
        { "BaseAddress", o => o.BaseAddress = new Uri("ftp://example.com/") },
        { "BaseAddress", o => o.BaseAddress = new Uri("https://example.com/?x=1") },
        { "API key", o => o.ApiKey = "gih_live_abc\r\nX-Injected: 1" },
        { "is 257 characters long, more than 256", o => o.ApiKey = "gih_live_" + new string('k', 248) },
        { "GenerationMode", o => o.GenerationMode = (GenerationMode)7 },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_setting_is_refused_with_a_message_that_names_it(string setting, Action<GptImageHubClientOptions> configure)
    {
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey };
        configure(options);

        var ex = Assert.ThrowsAny<ArgumentException>(() => new GptImageHubClient(options));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_constructor_names_every_invalid_setting_in_one_exception()
    {
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, RequestTimeout = TimeSpan.Zero, MaxRetries = -1 };
        options.Polling.InitialInterval = TimeSpan.Zero;

        var ex = Assert.Throws<ArgumentException>(() => new GptImageHubClient(options));

        Assert.Contains("RequestTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Polling.InitialInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_key_is_refused_without_echoing_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GptImageHubClient("gih_live_secret value"));

        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_and_client_ToString_never_show_the_key()
    {
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey };
        using var client = new GptImageHubClient(options);

        Assert.DoesNotContain(TestKeys.ApiKey, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("ApiKey = (set)", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.ApiKey, client.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_changed_after_the_client_was_made_do_not_change_it()
    {
        _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":1}""");
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = _server.BaseUri() };
        using var client = new GptImageHubClient(options);
        options.ApiKey = "gih_live_changed";
        options.BaseAddress = new Uri("https://elsewhere.example/");

        await client.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("Bearer " + TestKeys.ApiKey, Assert.Single(_server.Requests()).Header("Authorization"));
    }
}
