using System.Net;
using GptImageHub.Emulator.Admin;
using GptImageHub.Emulator.Endpoints;
using GptImageHub.Emulator.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GptImageHub.Emulator;

/// <summary>
/// A running GPT Image Hub emulator: a local HTTP server with the service's endpoints, keys, credits
/// and jobs, for tests that need the real wire protocol without the real service.
/// </summary>
/// <example>
/// <code>
/// await using var hub = await GptImageHubEmulator.StartAsync();
/// var key = hub.CreateApiKey(credits: 100);
/// using var http = new HttpClient { BaseAddress = hub.BaseAddress };
/// </code>
/// </example>
public sealed class GptImageHubEmulator : IAsyncDisposable
{
    /// <summary>The account type of keys created without one, as in the provider's example.</summary>
    public const string DefaultAccountType = "PRO";

    // Up to 16 reference images of 50 MB each, plus the form's text and framing.
    private const long MaxRequestBodyBytes = (16 * 50L * 1024 * 1024) + (64L * 1024 * 1024);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly EmulatorState _state;
    private int _disposed;

    private GptImageHubEmulator(WebApplication app, EmulatorState state, Uri baseAddress)
    {
        _app = app;
        _state = state;
        BaseAddress = baseAddress;
    }

    /// <summary>The emulator's root, such as <c>http://127.0.0.1:51234/</c>, with a trailing slash so relative paths resolve under it.</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// The emulator's CDN, such as <c>http://127.0.0.1:51235/</c>: a second origin that serves the
    /// images, as the real service's CDN host does, so that a client's "no key to the CDN" rule is
    /// exercised. Image URLs in responses point here; the API origin does not serve them.
    /// </summary>
    public Uri CdnAddress => _state.CdnAddress!;

    /// <summary>
    /// The dashboard, the emulator's root page: keys and balances, generations with thumbnails, the
    /// request log and buttons for faults, live. Its data comes from the admin API under
    /// <c>/_emulator/v1/</c>, which answers only loopback requests unless <see cref="EmulatorOptions.AllowRemoteAdmin"/>.
    /// </summary>
    public Uri DashboardAddress => BaseAddress;

    /// <summary>Balances, charges, refunds and received requests, for assertions.</summary>
    public EmulatorLedger Ledger => _state.Ledger;

    /// <summary>Failures to inject into the next requests or generations.</summary>
    public EmulatorFaults Faults => _state.Faults;

    /// <summary>Starts an emulator on 127.0.0.1 and returns once it accepts connections.</summary>
    /// <param name="options">How it behaves; null for the defaults (a free port, no job latency, the system clock).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop the server and its background jobs.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="EmulatorOptions.TimeProvider"/> is null.</exception>
    /// <exception cref="IOException">The port could not be bound.</exception>
    public static Task<GptImageHubEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, requestLog: null, cancellationToken);

    internal static async Task<GptImageHubEmulator> StartAsync(EmulatorOptions? options, Action<string>? requestLog, CancellationToken cancellationToken)
    {
        var settings = (options ?? new EmulatorOptions()).Copy();
        settings.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GptImageHubEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = StopTimeout);

        // The default console lifetime takes SIGTERM and SIGINT for the whole process: a test host or
        // an app that starts an emulator could then no longer be stopped. The emulator is disposed by
        // whoever started it; only the stand-alone executable handles Ctrl+C, itself.
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        ListenOptions? apiListener = null;
        ListenOptions? cdnListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, settings.Port, listen => apiListener = listen);
            kestrel.Listen(IPAddress.Loopback, settings.CdnPort, listen => cdnListener = listen);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });

        var app = builder.Build();
        var state = new EmulatorState(settings);
        try
        {
            if (requestLog is not null)
            {
                RequestLog.Use(app, requestLog);
            }

            RequestJournal.Use(app, state);
            CdnOrigin.Use(app, state);
            AdminGuard.Use(app, state);
            EmulatorRoutes.Map(app, state);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            // Kestrel writes the port it bound back into each listener, which is how a free port (0) is learnt.
            var bound = new Uri($"http://127.0.0.1:{apiListener!.IPEndPoint!.Port}/");
            state.CdnAddress = new Uri($"http://127.0.0.1:{cdnListener!.IPEndPoint!.Port}/");
            state.BaseAddress = bound;
            return new GptImageHubEmulator(app, state, bound);
        }
        catch
        {
            await state.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            state.Dispose();
            throw;
        }
    }

    /// <summary>Creates a user with a balance and returns its first API key. The key is shown only here: the emulator keeps its hash.</summary>
    /// <param name="credits">The user's starting balance; zero or more.</param>
    /// <param name="accountType">The account type <c>/credits</c> reports.</param>
    /// <param name="expiresAt">When the key stops working (401 <c>expiredApiKey</c>), by the emulator's clock; null for never.</param>
    /// <returns>A key of the form <c>gih_live_</c> followed by 32 letters and digits.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="credits"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="accountType"/> is null or empty.</exception>
    public string CreateApiKey(long credits = 0, string accountType = DefaultAccountType, DateTimeOffset? expiresAt = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        ArgumentException.ThrowIfNullOrEmpty(accountType);
        return _state.CreateApiKey(credits, accountType, expiresAt).Key;
    }

    /// <summary>Creates another key for the user who owns <paramref name="apiKey"/>: both spend one balance and read the same generations.</summary>
    /// <param name="apiKey">A key the emulator issued, in any state.</param>
    /// <param name="expiresAt">When the new key stops working; null for never.</param>
    /// <returns>The new key.</returns>
    /// <exception cref="ArgumentException">The emulator never issued <paramref name="apiKey"/>.</exception>
    public string CreateApiKeyForSameUser(string apiKey, DateTimeOffset? expiresAt = null) =>
        _state.Keys.Issue(_state.Ledger.ResolveUser(apiKey), expiresAt);

    /// <summary>Revokes a key: later requests with it answer 401 <c>invalidApiKey</c>. The user and other keys are unaffected.</summary>
    /// <param name="apiKey">The key to revoke.</param>
    /// <returns>True when the emulator had issued the key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="apiKey"/> is null.</exception>
    public bool RevokeApiKey(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return _state.Keys.Revoke(apiKey);
    }

    /// <summary>The id of the user who owns a key, as <see cref="LedgerEntry.UserId"/> and image URLs show it.</summary>
    /// <param name="apiKey">A key the emulator issued, in any state.</param>
    /// <returns>The user id.</returns>
    /// <exception cref="ArgumentException">The emulator never issued <paramref name="apiKey"/>.</exception>
    public string GetUserId(string apiKey) => _state.Ledger.ResolveUser(apiKey);

    /// <summary>Stops the server, ends held requests and background jobs, and waits for all of them. Safe to call twice.</summary>
    /// <returns>A task that completes when nothing of the emulator is running.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _state.StopAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _state.Dispose();
    }
}

/// <summary>A host lifetime that leaves the process's signals alone: the emulator's owner stops it by disposing it.</summary>
internal sealed class InProcessLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
