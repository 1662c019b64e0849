using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.DependencyInjection;

public sealed class AddGptImageHubTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public AddGptImageHubTests() => _server.StubJson("GET", "/api/v1/credits", 200, """{"credits":5}""");

    public void Dispose() => _server.Stop();

    private static ServiceProvider Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task The_client_resolves_as_its_interface_and_its_class_and_calls_with_the_configured_key()
    {
        using var provider = Build(s => s.AddGptImageHub(o =>
        {
            o.ApiKey = TestKeys.ApiKey;
            o.BaseAddress = _server.BaseUri();
        }));

        var client = provider.GetRequiredService<IGptImageHubClient>();
        Assert.IsType<GptImageHubClient>(client);
        Assert.NotNull(provider.GetRequiredService<GptImageHubClient>());

        Assert.Equal(5, (await client.GetCreditsAsync(TestContext.Current.CancellationToken)).Credits);
        Assert.Equal("Bearer " + TestKeys.ApiKey, Assert.Single(_server.Requests()).Header("Authorization"));
    }

    [Fact]
    public void Every_setting_binds_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GptImageHub:ApiKey"] = "gih_live_fromConfiguration",
            ["GptImageHub:BaseAddress"] = "https://images.example.com/hub/",
            ["GptImageHub:GenerationMode"] = "ServerWait",
            ["GptImageHub:RequestTimeout"] = "00:00:30",
            ["GptImageHub:ServerWaitTimeout"] = "00:20:00",
            ["GptImageHub:MaxRetries"] = "5",
            ["GptImageHub:MaxResponseBytes"] = "2048",
            ["GptImageHub:AllowInsecureHttp"] = "true",
            ["GptImageHub:Polling:InitialInterval"] = "00:00:01",
            ["GptImageHub:Polling:MaxInterval"] = "00:00:05",
            ["GptImageHub:Polling:Timeout"] = "00:45:00",
            ["GptImageHub:Polling:UseJitter"] = "false",
        }).Build();
        using var provider = Build(s => s.AddGptImageHub(configuration.GetSection("GptImageHub")));

        var options = provider.GetRequiredService<IOptionsMonitor<GptImageHubClientOptions>>().Get(Options.DefaultName);

        Assert.Equal("gih_live_fromConfiguration", options.ApiKey);
        Assert.Equal(new Uri("https://images.example.com/hub/"), options.BaseAddress);
        Assert.Equal(GenerationMode.ServerWait, options.GenerationMode);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(20), options.ServerWaitTimeout);
        Assert.Equal(5, options.MaxRetries);
        Assert.Equal(2048, options.MaxResponseBytes);
        Assert.True(options.AllowInsecureHttp);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Polling.InitialInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Polling.MaxInterval);
        Assert.Equal(TimeSpan.FromMinutes(45), options.Polling.Timeout);
        Assert.False(options.Polling.UseJitter);
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    public static TheoryData<string, Action<GptImageHubClientOptions>, string> InvalidSettings => new()
    {
        { "MaxRetries", o => o.MaxRetries = 11, "MaxRetries" },
        { "plain http", o => o.BaseAddress = new Uri("http://api.example.com/"), "AllowInsecureHttp" },
        { "polling order", o => o.Polling.MaxInterval = TimeSpan.FromMilliseconds(1), "Polling.MaxInterval" },
        { "response cap", o => o.MaxResponseBytes = 10, "MaxResponseBytes" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Invalid_settings_stop_the_host_at_start_with_a_message_that_names_them(string what, Action<GptImageHubClientOptions> configure, string named)
    {
        using var provider = Build(s => s.AddGptImageHub(o =>
        {
            o.ApiKey = TestKeys.ApiKey;
            configure(o);
        }));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.True(ex.Message.Contains(named, StringComparison.Ordinal), $"{what}: {ex.Message}");
        Assert.DoesNotContain(TestKeys.ApiKey, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_up_validation_reports_every_invalid_setting_at_once()
    {
        using var provider = Build(s => s.AddGptImageHub(o =>
        {
            o.ApiKey = TestKeys.ApiKey;
            o.MaxRetries = 11;
            o.MaxResponseBytes = 10;
            o.Polling.Timeout = TimeSpan.Zero;
            o.DefaultModel = " ";
        }));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(4, ex.Failures.Count());
        foreach (var named in new[] { "MaxRetries", "MaxResponseBytes", "Polling.Timeout", "DefaultModel" })
        {
            Assert.Contains(ex.Failures, f => f.Contains(named, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Two_named_clients_with_two_keys_resolve_as_keyed_services()
    {
        using var provider = Build(s =>
        {
            s.AddGptImageHub("team-a", o => { o.ApiKey = "gih_live_teamA"; o.BaseAddress = _server.BaseUri(); });
            s.AddGptImageHub("team-b", o => { o.ApiKey = "gih_live_teamB"; o.BaseAddress = _server.BaseUri(); });
        });

        await provider.GetRequiredKeyedService<IGptImageHubClient>("team-a").GetCreditsAsync(TestContext.Current.CancellationToken);
        await provider.GetRequiredKeyedService<IGptImageHubClient>("team-b").GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["Bearer gih_live_teamA", "Bearer gih_live_teamB"], _server.Requests().Select(r => r.Header("Authorization")));
        Assert.Null(provider.GetService<IGptImageHubClient>());
    }

    [Fact]
    public async Task Twenty_scopes_with_MaxCreditsPerRequest_fetch_the_model_list_once_per_ModelCacheDuration()
    {
        _server.StubJson("GET", "/api/v1/models", 200, SeedResponses.Models);
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var provider = Build(s => s.AddGptImageHub(o =>
        {
            o.ApiKey = TestKeys.ApiKey;
            o.BaseAddress = _server.BaseUri();
            o.MaxCreditsPerRequest = 100;
            o.ModelCacheDuration = TimeSpan.FromMinutes(10);
            o.TimeProvider = clock;
        }));

        async Task GenerateInAScopeAsync()
        {
            using var scope = provider.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IGptImageHubClient>()
                .StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);
        }

        for (var i = 0; i < 20; i++)
        {
            await GenerateInAScopeAsync();
        }

        Assert.Equal(20, _server.Count("POST", "/api/v1/images/generations"));
        Assert.Equal(1, _server.Count("GET", "/api/v1/models"));

        clock.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < 20; i++)
        {
            await GenerateInAScopeAsync();
        }

        Assert.Equal(2, _server.Count("GET", "/api/v1/models"));
    }

    [Fact]
    public async Task Twenty_scopes_that_find_the_model_list_stale_at_once_share_one_fetch()
    {
        using var provider = SlowModelListWithCostGuard();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var scope = provider.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IGptImageHubClient>()
                .StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);
        }));

        Assert.Equal(20, _server.Count("POST", "/api/v1/images/generations"));
        Assert.Equal(1, _server.Count("GET", "/api/v1/models"));
    }

    [Fact]
    public async Task A_scope_that_joined_a_fetch_its_owner_cancelled_fetches_the_list_itself_and_goes_on()
    {
        using var provider = SlowModelListWithCostGuard();
        using var ownerScope = provider.CreateScope();
        using var joinerScope = provider.CreateScope();
        using var ownerStop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var request = new ImageGenerationRequest("gpt-image-2", "a fox");

        // The owner's call starts the shared fetch before its first await; the joiner's call finds it running.
        var owner = ownerScope.ServiceProvider.GetRequiredService<IGptImageHubClient>().StartImageGenerationAsync(request, ownerStop.Token);
        var joiner = joinerScope.ServiceProvider.GetRequiredService<IGptImageHubClient>().StartImageGenerationAsync(request, TestContext.Current.CancellationToken);
        await ownerStop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => owner);
        var started = await joiner;

        // The owner's cancellation is the owner's only: the joiner fetched the list itself and submitted.
        Assert.Equal("clx_generation_log_id", started.Id);
        Assert.Equal(1, _server.Count("POST", "/api/v1/images/generations"));
    }

    /// <summary>
    /// A client whose cost guard needs the model list, which answers after a second: every caller that
    /// asks within that second finds the first fetch still running.
    /// </summary>
    private ServiceProvider SlowModelListWithCostGuard()
    {
        _server.Given(Request.Create().WithPath("/api/v1/models").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(SeedResponses.Models).WithDelay(TimeSpan.FromSeconds(1)));
        _server.StubJson("POST", "/api/v1/images/generations", 202, SeedResponses.AsyncQueued);
        return Build(s => s.AddGptImageHub(o =>
        {
            o.ApiKey = TestKeys.ApiKey;
            o.BaseAddress = _server.BaseUri();
            o.MaxCreditsPerRequest = 100;
        }));
    }

    [Fact]
    public async Task A_changed_option_is_used_by_the_next_resolved_client_and_an_unchanged_one_keeps_the_shared_core()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GptImageHub:ApiKey"] = "gih_live_before",
            ["GptImageHub:BaseAddress"] = _server.BaseUri().ToString(),
        }).Build();
        using var provider = Build(s => s.AddGptImageHub(configuration.GetSection("GptImageHub")));

        var first = provider.GetRequiredService<GptImageHubClient>();
        var second = provider.GetRequiredService<GptImageHubClient>();
        Assert.Same(first.Core, second.Core);
        await first.GetCreditsAsync(TestContext.Current.CancellationToken);

        configuration["GptImageHub:ApiKey"] = "gih_live_after";
        configuration.Reload();
        var third = provider.GetRequiredService<GptImageHubClient>();
        await third.GetCreditsAsync(TestContext.Current.CancellationToken);

        Assert.NotSame(first.Core, third.Core);
        Assert.Equal(["Bearer gih_live_before", "Bearer gih_live_after"], _server.Requests().Select(r => r.Header("Authorization")));
    }

    [Fact]
    public void The_HttpClient_behind_the_client_has_no_timeout_of_its_own()
    {
        using var provider = Build(s => s.AddGptImageHub(o => o.ApiKey = TestKeys.ApiKey));

        Assert.Equal(Timeout.InfiniteTimeSpan, provider.GetRequiredService<GptImageHubClient>().HttpClient.Timeout);
    }

    [Fact]
    public async Task A_generation_POST_answered_by_503_is_sent_once_through_DI()
    {
        _server.Given(Request.Create().WithPath("/api/v1/images/generations").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        using var provider = Build(s => s.AddGptImageHub(o => { o.ApiKey = TestKeys.ApiKey; o.BaseAddress = _server.BaseUri(); }));

        await Assert.ThrowsAsync<ServiceException>(() => provider.GetRequiredService<IGptImageHubClient>()
            .StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        Assert.Equal(1, _server.Count("POST"));
    }

    [Fact]
    public async Task Handlers_added_to_the_returned_builder_see_every_request_and_MaxRetries_zero_leaves_retrying_to_them()
    {
        _server.Given(Request.Create().WithPath("/api/v1/models").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        var handler = new RetryOnceHandler();
        using var provider = Build(s => s
            .AddGptImageHub(o => { o.ApiKey = TestKeys.ApiKey; o.BaseAddress = _server.BaseUri(); o.MaxRetries = 0; })
            .AddHttpMessageHandler(() => handler));

        await Assert.ThrowsAsync<ServiceException>(() => provider.GetRequiredService<IGptImageHubClient>().GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, handler.Attempts);
        Assert.Equal(2, _server.Count("GET"));
    }

    /// <summary>A caller's own retry handler: one retry of anything that fails.</summary>
    private sealed class RetryOnceHandler : DelegatingHandler
    {
        public int Attempts { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            response.Dispose();
            Attempts++;
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
