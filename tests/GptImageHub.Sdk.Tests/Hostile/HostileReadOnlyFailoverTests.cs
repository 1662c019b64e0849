using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A switchover under a running batch: the address the store connects to lands, for a while, on a server that only
/// reads (the old primary demoted to a standby, or writes frozen for maintenance with <c>default_transaction_read_only</c>).
/// Each write then fails with 25006, which Npgsql calls not transient, so the batch failed as refused in the middle of
/// the switchover, leaving a paid job "submitting" in the fleet's tables without its id. Now a worker that joined the
/// batch waits a read-only database out as an outage; joining a database that only reads is still refused at once,
/// since that is a wrong target, not a switchover.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileReadOnlyFailoverTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_record_of_a_paid_id_made_while_the_database_only_reads_waits_and_lands_when_it_writes_again()
    {
        server.Require();
        var role = await RoleAsync();
        await using var store = new PostgreSqlBatchStore(ConnectionAs(role), $"test-{Guid.NewGuid():N}", PostgreSqlTests.Steady);
        var session = (PostgreSqlBatchSession)await store.OpenAsync(new BatchRunSettings(), Ct);
        await using (session)
        {
            await session.EnqueueAsync([new BatchStoreItem("a", "fp")], isLastChunk: true, Ct);
            Assert.Single((await session.ClaimAsync(1, Ct)).Claims);
            Assert.Equal(BatchSubmitStart.Recorded, await session.BeginSubmitAsync("a", 5, Ct));

            // The switchover: the role's sessions only read from now on, and the open ones are cut.
            await AdminAsync($"ALTER ROLE {role} SET default_transaction_read_only = on; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'");
            var before = session.Retries;
            var record = session.RecordAsync(new BatchRecord("a", BatchJournalEvent.Submitted) { GenerationId = "gen_paid_1" }, Ct).AsTask();
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                while (session.Retries < before + 3 && !record.IsCompleted)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), bound.Token);
                }
            }

            Assert.False(record.IsCompleted, record.Exception?.ToString() ?? "the record ended while the database only read");
            await AdminAsync($"ALTER ROLE {role} RESET default_transaction_read_only");

            await record.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
            await using var command = dataSource.CreateCommand("SELECT state || ' ' || generation_id FROM gih_batch_items WHERE batch_name = @b AND key = 'a'");
            command.Parameters.AddWithValue("b", store.BatchName);
            Assert.Equal("submitted gen_paid_1", await command.ExecuteScalarAsync(Ct));
        }
    }

    [Fact]
    public async Task Joining_a_batch_in_a_database_that_only_reads_is_refused_at_once()
    {
        server.Require();
        var role = await RoleAsync();
        await AdminAsync($"ALTER ROLE {role} SET default_transaction_read_only = on");
        await using var store = new PostgreSqlBatchStore(ConnectionAs(role), $"test-{Guid.NewGuid():N}", PostgreSqlTests.Steady);

        var refused = await Assert.ThrowsAnyAsync<IOException>(async () => await store.OpenAsync(new BatchRunSettings(), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.Contains("25006", refused.Message, StringComparison.Ordinal);
    }

    private async Task<string> RoleAsync()
    {
        var role = $"gih_read_only_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE ROLE {role} LOGIN SUPERUSER");

        // The tables exist before the role's sessions only read, as they do on a demoted primary.
        await using var store = new PostgreSqlBatchStore(server.ConnectionString!, "schema", PostgreSqlTests.Steady);
        await store.GetStatusAsync(Ct);
        return role;
    }

    private string ConnectionAs(string role) => new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = role }.ConnectionString;

    private async Task AdminAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
