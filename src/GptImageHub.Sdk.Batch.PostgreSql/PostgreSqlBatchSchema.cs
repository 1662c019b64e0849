using Npgsql;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// The tables the store keeps, created by the package itself: every statement is idempotent and runs
/// under a transaction-scoped advisory lock, so any number of workers starting at once create them once.
/// The version table lets a later package migrate a database an earlier one created.
/// </summary>
internal static class PostgreSqlBatchSchema
{
    /// <summary>The schema version this package writes and reads.</summary>
    public const int Version = 1;

    // An arbitrary constant (the ASCII of "gihbatch"): every worker of every batch takes this one lock
    // while it checks or creates the schema, so concurrent CREATE ... IF NOT EXISTS never race on the catalog.
    private const long SchemaLockId = 0x6769686261746368;

    private const string CreateVersion1 = """
        CREATE TABLE IF NOT EXISTS gih_batch_schema_version (
            version    integer     PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS gih_batch_batches (
            name             text        PRIMARY KEY,
            run_no           bigint      NOT NULL DEFAULT 0,
            credit_budget    bigint      NULL,
            credits_reserved bigint      NOT NULL DEFAULT 0,
            credits_spent    bigint      NOT NULL DEFAULT 0,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS gih_batch_workers (
            worker_id    uuid        PRIMARY KEY,
            batch_name   text        NOT NULL REFERENCES gih_batch_batches (name),
            name         text        NOT NULL,
            run_no       bigint      NOT NULL,
            lease        interval    NOT NULL,
            started_at   timestamptz NOT NULL DEFAULT now(),
            heartbeat_at timestamptz NOT NULL DEFAULT now(),
            lease_until  timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS gih_batch_workers_batch ON gih_batch_workers (batch_name, lease_until);
        CREATE TABLE IF NOT EXISTS gih_batch_items (
            batch_name       text        NOT NULL REFERENCES gih_batch_batches (name),
            key              text        NOT NULL,
            seq              bigserial   NOT NULL,
            fingerprint      text        NOT NULL,
            state            text        NOT NULL CHECK (state IN ('pending', 'claimed', 'submitting', 'submitted', 'succeeded', 'failed', 'unknown', 'refused', 'not_sent', 'skipped')),
            run_no           bigint      NOT NULL,
            owner_id         uuid        NULL,
            generation_id    text        NULL,
            credits_reserved bigint      NOT NULL DEFAULT 0,
            credits_spent    bigint      NOT NULL DEFAULT 0,
            error            text        NULL,
            message          text        NULL,
            generation       jsonb       NULL,
            stray_generation_ids text[]  NULL,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (batch_name, key)
        );
        CREATE INDEX IF NOT EXISTS gih_batch_items_pending ON gih_batch_items (batch_name, seq) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS gih_batch_items_state ON gih_batch_items (batch_name, state);
        CREATE INDEX IF NOT EXISTS gih_batch_items_owner ON gih_batch_items (owner_id) WHERE state IN ('claimed', 'submitting', 'submitted');
        INSERT INTO gih_batch_schema_version (version) VALUES (1) ON CONFLICT (version) DO NOTHING;
        """;

    /// <summary>Creates the tables when they are missing; refuses a database a newer package migrated.</summary>
    /// <returns>What text the database's encoding keeps, read on the same connection.</returns>
    public static async Task<DatabaseText> EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@id)", connection, transaction);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("id", SchemaLockId);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var current = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                if (current > Version)
                {
                    throw new InvalidOperationException(
                        $"The database holds gih_batch schema version {current}, newer than the version {Version} this package knows; update GptImageHub.Sdk.Batch.PostgreSql.");
                }

                if (current < Version)
                {
                    var create = new NpgsqlCommand(CreateVersion1, connection, transaction);
                    await using (create.ConfigureAwait(false))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return DatabaseText.ForServerEncoding(connection.PostgresParameters.GetValueOrDefault("server_encoding"));
        }
    }

    private static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Two statements: one naming a missing table fails when parsed, even in a branch that never runs.
        var exists = await ScalarAsync("SELECT to_regclass('gih_batch_schema_version') IS NOT NULL", connection, transaction, cancellationToken).ConfigureAwait(false);
        if (exists is not true)
        {
            return 0;
        }

        var version = await ScalarAsync("SELECT coalesce(max(version), 0) FROM gih_batch_schema_version", connection, transaction, cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<object?> ScalarAsync(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
