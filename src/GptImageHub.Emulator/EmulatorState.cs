using GptImageHub.Emulator.Jobs;
using GptImageHub.Emulator.Journal;
using GptImageHub.Emulator.Keys;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator;

/// <summary>Everything one emulator instance knows, shared by its endpoints and its public surface.</summary>
internal sealed class EmulatorState : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public EmulatorState(EmulatorOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        Keys = new ApiKeyStore();
        Ledger = new EmulatorLedger(Keys, Time);
        Store = new GenerationStore();
        Scheduler = new JobScheduler(Time, Ledger, Store);
        Faults = new EmulatorFaults();
        Journal = new RequestJournal();
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public ApiKeyStore Keys { get; }

    public EmulatorLedger Ledger { get; }

    public GenerationStore Store { get; }

    public JobScheduler Scheduler { get; }

    public EmulatorFaults Faults { get; }

    public RequestJournal Journal { get; }

    /// <summary>Cancelled first on dispose, so a request held by injected latency or a running job lets the server stop at once.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The address the server bound, set once it has started.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The CDN's address (the second origin that serves images), set once the server has started.</summary>
    public Uri? CdnAddress { get; set; }

    /// <summary>The absolute base for URLs in responses: the bound address, or the request's own host in the moment before it is known.</summary>
    public Uri BaseFor(HttpRequest request) =>
        BaseAddress ?? new Uri($"{request.Scheme}://{request.Host.Value}/");

    /// <summary>The base of image URLs: the CDN origin, or the API's in the moment before it is known.</summary>
    public Uri CdnFor(HttpRequest request) => CdnAddress ?? BaseFor(request);

    /// <summary>Opens an account with a balance and issues its first key: the one implementation behind the C# API and the admin API.</summary>
    public (string Key, string UserId) CreateApiKey(long credits, string accountType, DateTimeOffset? expiresAt)
    {
        var userId = Ledger.OpenAccount(credits, accountType);
        return (Keys.Issue(userId, expiresAt), userId);
    }

    /// <summary>Releases held requests and stops every background job; the server is stopped after this.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Scheduler.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();
}
