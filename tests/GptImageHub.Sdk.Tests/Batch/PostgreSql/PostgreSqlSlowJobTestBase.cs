using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch.PostgreSql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Batch.PostgreSql;

/// <summary>
/// The fixture of the PostgreSQL batch tests whose job outlives what the batch waits for (a cancelled run, a wait
/// that times out): a test's own emulator whose jobs run for minutes, a fast client on it, and a store on a fresh
/// batch with the steady lease, so that no takeover interferes.
/// </summary>
public abstract class PostgreSqlSlowJobTestBase(PostgreSqlServer server) : IAsyncLifetime
{
    /// <summary>The shared PostgreSQL server (the collection's fixture).</summary>
    protected PostgreSqlServer Server { get; } = server;

    /// <summary>The emulator, started fresh for each test; a job runs five minutes on it.</summary>
    protected GptImageHubEmulator Hub { get; private set; } = null!;

    /// <summary>The running test's token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() =>
        Hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMinutes(5) }, Ct);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fast client on the emulator, with a key holding <paramref name="credits"/>.</summary>
    protected GptImageHubClient NewClient(long credits) => FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: credits));

    /// <summary>A store on a batch of its own, named <paramref name="prefix"/> and a fresh suffix, with the steady lease.</summary>
    protected PostgreSqlBatchStore NewStore(string prefix) =>
        new(Server.ConnectionString!, $"{prefix}-{Guid.NewGuid():N}", PostgreSqlTests.Steady);
}
