using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace GptImageHub.Sdk.Benchmarks.DependencyInjection;

/// <summary>
/// What resolving <see cref="IGptImageHubClient"/> costs in a scope per request, as ASP.NET Core
/// resolves it. The baseline is the floor any typed client over <c>IHttpClientFactory</c> pays: a
/// scope and an <see cref="HttpClient"/> from the factory; the difference is the SDK's own share.
/// </summary>
[MemoryDiagnoser]
public class ClientResolutionBenchmarks
{
    private ServiceProvider _provider = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddGptImageHub(o =>
        {
            o.ApiKey = "gih_live_benchmark";
            o.BaseAddress = new Uri("http://127.0.0.1:5000/");
            o.MaxCreditsPerRequest = 100;
        });
        _provider = services.BuildServiceProvider();

        // The first resolution builds what is shared; the benchmark measures the ones after it.
        using var scope = _provider.CreateScope();
        scope.ServiceProvider.GetRequiredService<IGptImageHubClient>();
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true)]
    public HttpClient ScopeAndHttpClient()
    {
        using var scope = _provider.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IHttpClientFactory>().CreateClient("GptImageHub.Sdk");
        client.Dispose();
        return client;
    }

    [Benchmark]
    public IGptImageHubClient ScopeAndGptImageHubClient()
    {
        using var scope = _provider.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IGptImageHubClient>();
    }
}
