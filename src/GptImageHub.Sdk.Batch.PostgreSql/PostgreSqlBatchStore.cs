using Npgsql;
using NpgsqlTypes;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// A <see cref="BatchStore"/> in PostgreSQL through which any number of processes, on one machine or many,
/// run one named batch: each item is claimed by exactly one worker, the credit budget is one budget for the
/// whole fleet, and a dead worker's jobs are taken over by the others and polled by id, never posted again.
/// </summary>
/// <remarks>
/// <para>The store creates its tables (prefixed <c>gih_batch_</c>) on first use; see the package README for
/// the schema. Every call rides out a database outage: it waits and tries again until the database answers
/// or the caller's token is cancelled.</para>
/// <para>Leases and record times use the database server's clock, one clock for the whole fleet;
/// <see cref="BatchRunSettings.TimeProvider"/> only paces the heartbeat and the retries.</para>
/// <para>Each worker passes its own <see cref="BatchRunSettings.CreditBudget"/>, checked against the fleet's
/// totals in the database: give every worker the same budget.</para>
/// </remarks>
public sealed class PostgreSqlBatchStore : BatchStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlBatchStoreOptions _options;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates a store for the batch <paramref name="batchName"/> in the database <paramref name="connectionString"/> names, with the default lease and retry settings.</summary>
    /// <param name="connectionString">An Npgsql connection string, such as <c>Host=db;Database=batches;Username=gih;Password=...</c>.</param>
    /// <param name="batchName">The batch's name: every worker that gives the same name shares the batch.</param>
    /// <exception cref="ArgumentException">The connection string or the batch name is empty or invalid, or the connection string's Target Session Attributes pick only read-only sessions (standby, prefer-standby, read-only), which the store could never write to.</exception>
    public PostgreSqlBatchStore(string connectionString, string batchName)
        : this(connectionString, batchName, null)
    {
    }

    /// <summary>Creates a store for the batch <paramref name="batchName"/> in the database <paramref name="connectionString"/> names.</summary>
    /// <param name="connectionString">An Npgsql connection string, such as <c>Host=db;Database=batches;Username=gih;Password=...</c>.</param>
    /// <param name="batchName">The batch's name: every worker that gives the same name shares the batch.</param>
    /// <param name="options">Lease and retry settings, or null for the defaults.</param>
    /// <exception cref="ArgumentException">The connection string or the batch name is empty or invalid, or the connection string's Target Session Attributes pick only read-only sessions (standby, prefer-standby, read-only), which the store could never write to.</exception>
    public PostgreSqlBatchStore(string connectionString, string batchName, PostgreSqlBatchStoreOptions? options)
        : this(StoreConnectionString.Open(connectionString, nameof(connectionString)), ownsDataSource: true, batchName, options)
    {
    }

    /// <summary>Creates a store for the batch <paramref name="batchName"/> on a data source the caller owns (and disposes).</summary>
    /// <param name="dataSource">The database's data source; the store does not dispose it.</param>
    /// <param name="batchName">The batch's name: every worker that gives the same name shares the batch.</param>
    /// <param name="options">Lease and retry settings, or null for the defaults.</param>
    /// <exception cref="ArgumentException">The batch name is empty or invalid, or the data source's Target Session Attributes pick only read-only sessions.</exception>
    public PostgreSqlBatchStore(NpgsqlDataSource dataSource, string batchName, PostgreSqlBatchStoreOptions? options)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, batchName, options)
    {
        StoreConnectionString.RequireWritable(dataSource.ConnectionString, nameof(dataSource));
    }

    private PostgreSqlBatchStore(NpgsqlDataSource dataSource, bool ownsDataSource, string batchName, PostgreSqlBatchStoreOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchName);
        if (batchName.Length > 200 || batchName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A batch name has at most 200 characters and no NUL.", nameof(batchName));
        }

        _options = (options ?? new PostgreSqlBatchStoreOptions()).Clone();
        _options.Validate();
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        BatchName = batchName;
    }

    /// <summary>The batch's name, the key of its rows in every <c>gih_batch_</c> table.</summary>
    public string BatchName { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    internal PostgreSqlBatchStoreOptions Options => _options;

    /// <summary>What text the database keeps (known once the schema is checked, before any session exists).</summary>
    internal DatabaseText Text { get; private set; } = DatabaseText.Unicode;

    /// <summary>Joins the batch as a new worker: creates the tables if needed, registers the worker with a lease, and starts its heartbeat.</summary>
    /// <param name="settings">The run's budget and replay rules.</param>
    /// <param name="cancellationToken">Stops the opening, including its waits through an outage.</param>
    /// <returns>The worker's session; dispose it to leave the batch.</returns>
    /// <exception cref="IOException">The database refused the store (permissions, a newer schema).</exception>
    public override async ValueTask<BatchStoreSession> OpenAsync(BatchRunSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.CreditBudget is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.CreditBudget, "The credit budget cannot be negative.");
        }

        var retry = new OutageRetry(_dataSource, settings.TimeProvider, _options.MaxRetryDelay, BatchName);
        await EnsureSchemaAsync(retry, cancellationToken).ConfigureAwait(false);
        var workerId = Guid.NewGuid();
        var name = _options.WorkerName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        var run = await retry.RunAsync("register the worker", ct => RegisterAsync(workerId, name, settings.CreditBudget, ct), cancellationToken).ConfigureAwait(false);

        // Joined: a database that only reads from now on is a switchover under the batch, waited out like an outage.
        var joined = new OutageRetry(_dataSource, settings.TimeProvider, _options.MaxRetryDelay, BatchName, readOnlyIsOutage: true);
        return new PostgreSqlBatchSession(this, settings, joined, workerId, run);
    }

    /// <summary>Reads the batch's counts per state, its credits reserved and spent, its budget and its unknown keys.</summary>
    /// <param name="cancellationToken">Stops the reading, including its waits through an outage.</param>
    /// <returns>The status; all zero for a batch no worker has opened.</returns>
    public override ValueTask<BatchStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        GetStatusAsync(unreachableIsFinal: false, cancellationToken);

    /// <summary>
    /// Reads the status; with <paramref name="unreachableIsFinal"/>, a database that cannot be reached at all (refused,
    /// unknown host) ends it at once with <see cref="DatabaseUnreachableException"/> instead of being waited for
    /// (<c>gih batch status</c>: a question, not a batch that must ride out a restart).
    /// </summary>
    internal async ValueTask<BatchStatus> GetStatusAsync(bool unreachableIsFinal, CancellationToken cancellationToken)
    {
        var retry = new OutageRetry(_dataSource, TimeProvider.System, _options.MaxRetryDelay, BatchName, unreachableIsFinal);
        await EnsureSchemaAsync(retry, cancellationToken).ConfigureAwait(false);
        return await retry.RunAsync("read the status", ReadStatusAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the data source the store created from a connection string; a data source given to the store is left to its owner.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        _schemaGate.Dispose();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal NpgsqlCommand Command(string sql)
    {
        var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("b", NpgsqlDbType.Text) { TypedValue = BatchName });
        return command;
    }

    private async Task EnsureSchemaAsync(OutageRetry retry, CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schemaReady)
            {
                try
                {
                    Text = await retry.RunAsync(
                        "create its tables",
                        ct => PostgreSqlBatchSchema.EnsureAsync(_dataSource, ct),
                        cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    throw new IOException(ex.Message, ex);
                }

                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private async Task<long> RegisterAsync(Guid workerId, string name, long? budget, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Lock the batch row first, in its own statement: the next statement then takes a fresh
                // snapshot, so two workers opening at once see each other and agree on the run number.
                var lockBatch = new NpgsqlCommand(
                    """
                    INSERT INTO gih_batch_batches (name) VALUES (@b) ON CONFLICT (name) DO NOTHING;
                    SELECT 1 FROM gih_batch_batches WHERE name = @b FOR UPDATE;
                    """,
                    connection,
                    transaction);
                await using (lockBatch.ConfigureAwait(false))
                {
                    lockBatch.Parameters.Add(new NpgsqlParameter<string>("b", NpgsqlDbType.Text) { TypedValue = BatchName });
                    await lockBatch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // A new run starts when no worker of the batch is alive: items refused, not sent or skipped
                // in an earlier run are offered again when enqueued, and not within the same run. Run again
                // after a commit whose answer was lost, this finds the worker registered (so alive): it keeps
                // its run and only renews its lease.
                var register = new NpgsqlCommand(
                    """
                    WITH run AS (
                        UPDATE gih_batch_batches SET
                            run_no = run_no + CASE WHEN EXISTS (
                                SELECT 1 FROM gih_batch_workers w
                                WHERE w.batch_name = @b AND greatest(w.lease_until, pg_postmaster_start_time() + w.lease) >= now()) THEN 0 ELSE 1 END,
                            credit_budget = @budget,
                            updated_at = now()
                        WHERE name = @b
                        RETURNING run_no)
                    INSERT INTO gih_batch_workers (worker_id, batch_name, name, run_no, lease, lease_until)
                    SELECT @me, @b, @name, run.run_no, @lease, now() + @lease FROM run
                    ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now(), lease_until = excluded.lease_until
                    RETURNING run_no
                    """,
                    connection,
                    transaction);
                await using (register.ConfigureAwait(false))
                {
                    register.Parameters.Add(new NpgsqlParameter<string>("b", NpgsqlDbType.Text) { TypedValue = BatchName });
                    register.Parameters.Add(new NpgsqlParameter("budget", NpgsqlDbType.Bigint) { Value = budget is { } b ? b : DBNull.Value });
                    register.Parameters.Add(new NpgsqlParameter<Guid>("me", NpgsqlDbType.Uuid) { TypedValue = workerId });
                    register.Parameters.Add(new NpgsqlParameter<string>("name", NpgsqlDbType.Text) { TypedValue = name });
                    register.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", NpgsqlDbType.Interval) { TypedValue = _options.LeaseDuration });
                    var run = (long)(await register.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return run;
                }
            }
        }
    }

    private async Task<BatchStatus> ReadStatusAsync(CancellationToken cancellationToken)
    {
        var batch = _dataSource.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            foreach (var sql in new[]
            {
                "SELECT state, count(*) FROM gih_batch_items WHERE batch_name = @b GROUP BY state",
                "SELECT credit_budget, credits_reserved, credits_spent FROM gih_batch_batches WHERE name = @b",
                "SELECT key FROM gih_batch_items WHERE batch_name = @b AND state = 'unknown' ORDER BY seq",
            })
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new NpgsqlParameter<string>("b", NpgsqlDbType.Text) { TypedValue = BatchName });
                batch.BatchCommands.Add(command);
            }

            var counts = new Dictionary<BatchJournalEvent, long>();
            long pending = 0, total = 0, reserved = 0, spent = 0;
            long? budget = null;
            var unknown = new List<string>();
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var count = reader.GetInt64(1);
                    total += count;
                    if (ItemStates.ToEvent(reader.GetString(0)) is { } journalEvent)
                    {
                        counts[journalEvent] = counts.GetValueOrDefault(journalEvent) + count;
                    }
                    else
                    {
                        pending += count;
                    }
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    budget = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                    reserved = reader.GetInt64(1);
                    spent = reader.GetInt64(2);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    unknown.Add(reader.GetString(0));
                }
            }

            return new BatchStatus
            {
                Counts = counts,
                Pending = pending,
                Total = total,
                CreditsReserved = reserved,
                CreditsSpent = spent,
                CreditBudget = budget,
                UnknownKeys = unknown,
            };
        }
    }

}
