using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The fleet store behind a failover connection string (<c>Host=a,b</c>, Npgsql's way to name a cluster's hosts): when
/// every host was down, Npgsql reports one failure per host inside an <see cref="AggregateException"/> and calls the
/// whole not transient, so the batch failed with "could not ..." in the middle of an outage that a single-host string
/// rides out. Now the outage pauses the store's calls, and they go on when a host is back.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileFailoverOutageTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_outage_of_every_host_of_a_failover_string_pauses_the_store_and_it_goes_on_when_one_is_back()
    {
        server.RequireRestartable();
        var failover = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        failover.Host = $"127.0.0.2:{LoopbackPort.Unused()},{failover.Host}:{failover.Port}";
        await using var store = new PostgreSqlBatchStore(failover.ConnectionString, $"test-{Guid.NewGuid():N}", PostgreSqlTests.Steady);
        Assert.Equal(0, (await store.GetStatusAsync(Ct)).Total);

        await server.StopAsync();
        Task<GptImageHub.Sdk.Batch.BatchStatus> status;
        try
        {
            status = store.GetStatusAsync(Ct).AsTask();
            await Task.Delay(TimeSpan.FromSeconds(2), Ct);
            Assert.False(status.IsCompleted, status.Exception?.ToString() ?? "the call should wait for the database");
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.Equal(0, (await status.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Total);
    }

    [Fact]
    public async Task Npgsqls_own_failures_of_a_failover_string_whose_hosts_are_down_are_outages_to_wait_out()
    {
        // No server at all: both hosts refuse. The first open tries each host; the second, within Host Recheck Seconds,
        // skips both as offline and says only "No suitable host was found.".
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1:{LoopbackPort.Unused()},127.0.0.2:{LoopbackPort.Unused()};Username=gih;Timeout=5");
        var tried = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync(Ct));
        var skipped = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync(Ct));

        Assert.IsType<AggregateException>(tried.InnerException);
        Assert.Null(skipped.InnerException);
        Assert.True(OutageRetry.IsTransient(tried), tried.ToString());
        Assert.True(OutageRetry.IsUnreachable(tried), tried.ToString());
        Assert.True(OutageRetry.IsTransient(skipped), skipped.ToString());
    }
}
