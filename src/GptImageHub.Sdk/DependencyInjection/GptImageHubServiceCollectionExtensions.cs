using GptImageHub.Sdk;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IGptImageHubClient"/> on <c>IHttpClientFactory</c>.</summary>
public static class GptImageHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IGptImageHubClient"/> and <see cref="GptImageHubClient"/>, configured by
    /// <paramref name="configure"/> and validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <c>GPTIMAGEHUB_API_KEY</c> and <c>GPTIMAGEHUB_BASE_URL</c> fill a key or address it leaves unset.</param>
    /// <returns>The builder of the underlying named <see cref="HttpClient"/>, to add your own handlers.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddGptImageHub(this IServiceCollection services, Action<GptImageHubClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        return AddGptImageHubCore(services, name: null, builder => ConfigureByDelegate(builder, configure, "AddGptImageHub(options => ...)"));
    }

    /// <summary>
    /// Registers <see cref="IGptImageHubClient"/> and <see cref="GptImageHubClient"/>, bound from a
    /// configuration section (such as <c>"GptImageHub"</c> with <c>ApiKey</c>, <c>BaseAddress</c>,
    /// <c>Polling:Timeout</c>, ...) and validated when the host starts. A key or address the section
    /// leaves unset comes from <c>GPTIMAGEHUB_API_KEY</c> or <c>GPTIMAGEHUB_BASE_URL</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section to bind.</param>
    /// <returns>The builder of the underlying named <see cref="HttpClient"/>, to add your own handlers.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddGptImageHub(this IServiceCollection services, IConfiguration section)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (section is null)
        {
            throw new ArgumentNullException(nameof(section));
        }

        return AddGptImageHubCore(services, name: null, builder => BindSection(builder, section));
    }

    /// <summary>
    /// Registers one more named client, such as a second key, resolved as a keyed
    /// <see cref="IGptImageHubClient"/> (<c>[FromKeyedServices("name")]</c>). A named client never reads
    /// <c>GPTIMAGEHUB_API_KEY</c>, the default client's key: without a key of its own its calls fail
    /// with <see cref="GptImageHub.Sdk.MissingApiKeyException"/> rather than charge the default account.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name and service key.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the underlying named <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IHttpClientBuilder AddGptImageHub(this IServiceCollection services, string name, Action<GptImageHubClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        return AddGptImageHubCore(services, RequireName(name), builder => ConfigureByDelegate(builder, configure, $"AddGptImageHub(\"{name}\", options => ...)"));
    }

    /// <summary>
    /// Registers one more named client bound from a configuration section, resolved as a keyed
    /// <see cref="IGptImageHubClient"/>. A named client never reads <c>GPTIMAGEHUB_API_KEY</c>, the
    /// default client's key: a section without <c>ApiKey</c> gives a client whose calls fail with
    /// <see cref="GptImageHub.Sdk.MissingApiKeyException"/> rather than charge the default account.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name and service key.</param>
    /// <param name="section">The configuration section to bind.</param>
    /// <returns>The builder of the underlying named <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IHttpClientBuilder AddGptImageHub(this IServiceCollection services, string name, IConfiguration section)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (section is null)
        {
            throw new ArgumentNullException(nameof(section));
        }

        return AddGptImageHubCore(services, RequireName(name), builder => BindSection(builder, section));
    }

    /// <summary>
    /// What <c>OptionsBuilder.Bind</c> does (bind, and rebind when the section reloads), through <see cref="SectionBinder"/>,
    /// so that values that cannot be converted are all named at start, and none is quoted.
    /// </summary>
    private static void BindSection(OptionsBuilder<GptImageHubClientOptions> builder, IConfiguration section)
    {
        builder.Services.AddSingleton<IOptionsChangeTokenSource<GptImageHubClientOptions>>(new ConfigurationChangeTokenSource<GptImageHubClientOptions>(builder.Name, section));
        builder.Configure(options => SectionBinder.Bind(section, options));
    }

    /// <summary>The delegate, after which the key's absence is blamed on it (<see cref="GptImageHubClientOptions.ApiKeySetting"/>).</summary>
    private static void ConfigureByDelegate(OptionsBuilder<GptImageHubClientOptions> builder, Action<GptImageHubClientOptions> configure, string registration)
    {
        builder.Configure(options => options.ApiKeySetting = $"options.ApiKey in {registration}");
        builder.Configure(configure);
    }

    private static IHttpClientBuilder AddGptImageHubCore(IServiceCollection services, string? name, Action<OptionsBuilder<GptImageHubClientOptions>> configureOptions)
    {
        var optionsName = name ?? Options.Options.DefaultName;
        var httpClientName = "GptImageHub.Sdk" + (name is null ? string.Empty : "." + name);

        var options = services.AddOptions<GptImageHubClientOptions>(optionsName);
        configureOptions(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GptImageHubClientOptions>, GptImageHubClientOptionsValidator>());

        var builder = services.AddHttpClient(httpClientName)
            // The SDK bounds every call itself; HttpClient's 100 s default would cut server-side waits.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // One core per name, shared by every client of that name and rebuilt when its options change.
        services.TryAddSingleton(provider => new ClientCores(
            provider.GetRequiredService<IOptionsMonitor<GptImageHubClientOptions>>(),
            provider.GetService<ILoggerFactory>()));

        // Transient, as IHttpClientFactory intends: each client is a fresh HttpClient over pooled,
        // rotated handlers and the shared core, so a resolution per scope stays cheap.
        GptImageHubClient Create(IServiceProvider provider) => new(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName),
            provider.GetRequiredService<ClientCores>().Get(optionsName));

        if (name is null)
        {
            services.TryAddTransient(Create);
            services.TryAddTransient<IGptImageHubClient>(provider => provider.GetRequiredService<GptImageHubClient>());
        }
        else
        {
            services.TryAddKeyedTransient(name, (provider, _) => Create(provider));
            services.TryAddKeyedTransient<IGptImageHubClient>(name, (provider, key) => provider.GetRequiredKeyedService<GptImageHubClient>(key));
        }

        return builder;
    }

    private static string RequireName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("The client name must not be empty.", nameof(name)) : name;
}
