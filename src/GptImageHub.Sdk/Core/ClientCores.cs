using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GptImageHub.Sdk.Core;

/// <summary>
/// The DI container's one <see cref="ClientCore"/> per client name. A core is built on first use
/// and again only when <see cref="IOptionsMonitor{TOptions}"/> hands out a new options object (a
/// reloaded configuration, a cleared options cache); every other resolution reuses it.
/// </summary>
internal sealed class ClientCores
{
    private readonly IOptionsMonitor<GptImageHubClientOptions> _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ConcurrentDictionary<string, Built> _cores = new(StringComparer.Ordinal);

    public ClientCores(IOptionsMonitor<GptImageHubClientOptions> options, ILoggerFactory? loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The core for the options currently named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid (start-up validation reports this first).</exception>
    public ClientCore Get(string name)
    {
        // The monitor caches one options object per name until its source changes, so comparing
        // references tells "unchanged" from "changed" without a subscription to keep alive.
        var options = _options.Get(name);
        if (_cores.TryGetValue(name, out var built) && ReferenceEquals(built.Options, options))
        {
            return built.Core;
        }

        // Two resolutions racing a change may both build; the last one written wins and the other
        // is dropped with its cache, which costs one more /models fetch at most.
        var core = new ClientCore(ClientSettings.Create(options, keyFromEnvironment: IsDefault(name)), _loggerFactory);
        _cores[name] = new Built(options, core);
        return core;
    }

    /// <summary>Only the default client reads <c>GPTIMAGEHUB_API_KEY</c>; a named one is another account.</summary>
    internal static bool IsDefault(string name) => string.Equals(name, Options.DefaultName, StringComparison.Ordinal);

    private sealed record Built(GptImageHubClientOptions Options, ClientCore Core);
}
