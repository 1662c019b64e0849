using GptImageHub.Emulator;
using GptImageHub.Sdk.Batch.PostgreSql;
using Npgsql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Batch.PostgreSql;

/// <summary>
/// The fixture of the PostgreSQL batch tests that run workers against an emulator: a test's own emulator whose jobs
/// take <paramref name="jobDuration"/>, a fast client on it, stores with the <paramref name="lease"/> options, and a
/// hand on a worker's lease (to lapse it, as a pause or an outage would, or to bring it back).
/// </summary>
/// <param name="server">The shared PostgreSQL server (the collection's fixture).</param>
/// <param name="jobDuration">How long a job runs on the emulator.</param>
/// <param name="lease">The lease of the workers the test opens.</param>
public abstract class PostgreSqlEmulatorTestBase(PostgreSqlServer server, TimeSpan jobDuration, PostgreSqlBatchStoreOptions lease) : IAsyncLifetime
{
    /// <summary>
    /// A short lease, so that a lapsed worker's items are taken over quickly. A database started less than a lease
    /// ago counts every worker alive (its restart grace), so a takeover can take up to one lease.
    /// </summary>
    protected static readonly PostgreSqlBatchStoreOptions ShortLease = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(3),
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Far more than a run of these tests takes: a worker that never drains (a hang) fails the test instead.</summary>
    protected static readonly TimeSpan RunBound = TimeSpan.FromSeconds(30);

    /// <summary>The shared PostgreSQL server.</summary>
    protected PostgreSqlServer Server { get; } = server;

    /// <summary>The emulator, started fresh for each test.</summary>
    protected GptImageHubEmulator Hub { get; private set; } = null!;

    /// <summary>The lease of the workers the test opens.</summary>
    protected PostgreSqlBatchStoreOptions Lease { get; } = lease;

    /// <summary>The running test's token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() =>
        Hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = jobDuration }, Ct);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fast client on the emulator, with a key holding <paramref name="credits"/>.</summary>
    protected GptImageHubClient NewClient(long credits) => FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: credits));

    /// <summary>A worker's store on the batch <paramref name="name"/>, with the test's lease.</summary>
    protected PostgreSqlBatchStore Store(string name) => new(Server.ConnectionString!, name, Lease);

    /// <summary>A store on a batch of its own, named <paramref name="prefix"/> and a fresh suffix.</summary>
    protected PostgreSqlBatchStore NewStore(string prefix) => Store($"{prefix}-{Guid.NewGuid():N}");

    /// <summary>Sets a worker's lease to the SQL expression <paramref name="leaseUntil"/> (<c>'-infinity'</c> lapses it at once).</summary>
    protected async Task SetLeaseAsync(Guid worker, string leaseUntil)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString!);
        await using var command = dataSource.CreateCommand($"UPDATE gih_batch_workers SET lease_until = {leaseUntil} WHERE worker_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = worker });
        await command.ExecuteNonQueryAsync(Ct);
    }
}
