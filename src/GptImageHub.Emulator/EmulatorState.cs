using GptImageHub.Emulator.Jobs;
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
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public ApiKeyStore Keys { get; }

    public EmulatorLedger Ledger { get; }

    public GenerationStore Store { get; }

    public JobScheduler Scheduler { get; }

    public EmulatorFaults Faults { get; }

    /// <summary>Cancelled first on dispose, so a request held by injected latency or a running job lets the server stop at once.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The address the server bound, set once it has started.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The absolute base for URLs in responses: the bound address, or the request's own host in the moment before it is known.</summary>
    public Uri BaseFor(HttpRequest request) =>
        BaseAddress ?? new Uri($"{request.Scheme}://{request.Host.Value}/");

    /// <summary>Releases held requests and stops every background job; the server is stopped after this.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Scheduler.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();
}
