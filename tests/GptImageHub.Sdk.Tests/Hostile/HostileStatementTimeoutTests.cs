using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The fleet store under a role whose <c>statement_timeout</c> an administrator set (<c>ALTER ROLE ... SET</c>, a common
/// guard on an application's role): a statement that waited on a row lock past it was cancelled by the server (57014),
/// which Npgsql calls not transient, so the store said the database refused it and the batch failed, leaving a paid job
/// "submitting" in the fleet's tables without its id. The same wait cut by the client's Command Timeout was already
/// waited out. Now a statement timeout is an outage like the client's own: the call tries again and lands once the lock
/// is gone. (A <c>lock_timeout</c>, 55P03, Npgsql calls transient already; its rows hold that.)
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileStatementTimeoutTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("statement_timeout")]
    [InlineData("lock_timeout")]
    public async Task A_begin_that_outwaits_the_roles_timeout_on_a_locked_batch_row_waits_and_is_recorded(string setting)
    {
        server.Require();
        var (connectionString, name) = await RoleWithTimeoutAsync(setting);
        await using var store = new PostgreSqlBatchStore(connectionString, name, PostgreSqlTests.Steady);
        var session = (PostgreSqlBatchSession)await store.OpenAsync(new BatchRunSettings(), Ct);
        await using (session)
        {
            await session.EnqueueAsync([new BatchStoreItem("a", "fp")], isLastChunk: true, Ct);
            Assert.Equal("a", Assert.Single((await session.ClaimAsync(1, Ct)).Claims).Key);

            Task<BatchSubmitStart> begin;
            await using (var held = await HoldAsync("SELECT 1 FROM gih_batch_batches WHERE name = @b FOR UPDATE", name))
            {
                begin = session.BeginSubmitAsync("a", 5, Ct).AsTask();
                await TimedOutTwiceAsync(session, begin);
                await held.Transaction.CommitAsync(Ct);
            }

            Assert.Equal(BatchSubmitStart.Recorded, await begin.WaitAsync(TimeSpan.FromSeconds(30), Ct));
            Assert.Equal(("submitting", (string?)null), await ItemAsync(name, "a"));
        }
    }

    [Theory]
    [InlineData("statement_timeout")]
    [InlineData("lock_timeout")]
    public async Task The_record_of_a_paid_id_that_outwaits_the_roles_timeout_on_a_locked_item_waits_and_keeps_the_id(string setting)
    {
        server.Require();
        var (connectionString, name) = await RoleWithTimeoutAsync(setting);
        await using var store = new PostgreSqlBatchStore(connectionString, name, PostgreSqlTests.Steady);
        var session = (PostgreSqlBatchSession)await store.OpenAsync(new BatchRunSettings(), Ct);
        await using (session)
        {
            await session.EnqueueAsync([new BatchStoreItem("a", "fp")], isLastChunk: true, Ct);
            Assert.Single((await session.ClaimAsync(1, Ct)).Claims);
            Assert.Equal(BatchSubmitStart.Recorded, await session.BeginSubmitAsync("a", 5, Ct));

            Task record;
            await using (var held = await HoldAsync("SELECT 1 FROM gih_batch_items WHERE batch_name = @b AND key = 'a' FOR UPDATE", name))
            {
                record = session.RecordAsync(new BatchRecord("a", BatchJournalEvent.Submitted) { GenerationId = "gen_paid_1" }, Ct).AsTask();
                await TimedOutTwiceAsync(session, record);
                await held.Transaction.CommitAsync(Ct);
            }

            await record.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(("submitted", "gen_paid_1"), await ItemAsync(name, "a"));
        }
    }

    /// <summary>A login role whose every session has <paramref name="setting"/> at 200 ms, and a fresh batch name.</summary>
    private async Task<(string ConnectionString, string BatchName)> RoleWithTimeoutAsync(string setting)
    {
        var role = $"gih_timeout_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(server.ConnectionString!))
        {
            await using var create = admin.CreateCommand($"CREATE ROLE {role} LOGIN SUPERUSER; ALTER ROLE {role} SET {setting} = '200ms'");
            await create.ExecuteNonQueryAsync(Ct);
        }

        return (new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = role }.ConnectionString, $"test-{Guid.NewGuid():N}");
    }

    /// <summary>Another session's transaction holding the row lock <paramref name="sql"/> takes, until it is committed or disposed.</summary>
    private async Task<HeldLock> HoldAsync(string sql, string batchName)
    {
        var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Ct);
        var transaction = await connection.BeginTransactionAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("b", batchName);
        Assert.Equal(1, await command.ExecuteScalarAsync(Ct));
        return new HeldLock(connection, transaction);
    }

    /// <summary>Waits until the call was cut by the server's timeout twice (and so waited, rather than failed), or ended.</summary>
    private static async Task TimedOutTwiceAsync(PostgreSqlBatchSession session, Task call)
    {
        var before = session.Retries;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (session.Retries < before + 2 && !call.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), bound.Token);
        }

        Assert.False(call.IsCompleted, call.Exception?.ToString() ?? "the call ended while the lock was held");
    }

    private async Task<(string State, string? GenerationId)> ItemAsync(string batchName, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
        await using var command = dataSource.CreateCommand("SELECT state, generation_id FROM gih_batch_items WHERE batch_name = @b AND key = @k");
        command.Parameters.AddWithValue("b", batchName);
        command.Parameters.AddWithValue("k", key);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private sealed record HeldLock(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
