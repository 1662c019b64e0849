using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// One worker's part in a PostgreSQL batch. Every call is one autocommitted statement (enqueue is one
/// transaction), so a step is durable when the call returns, and every statement is conditional on the
/// item's state and owner, so running it again after a lost answer changes nothing (see
/// <see cref="OutageRetry"/>).
/// </summary>
internal sealed class PostgreSqlBatchSession : BatchStoreSession
{
    // Items a worker still has in hand; anything else is final for the run (or pending).
    private const string InFlight = "('claimed', 'submitting', 'submitted')";

    // A worker is alive while its lease runs; after a database restart every worker gets one more lease
    // to heartbeat again, so an outage longer than the lease does not make the fleet take each other's
    // items over. An item whose owner is not alive (its lease ran out, or its row is gone) is taken over.
    private const string LiveWorkers = """
        SELECT worker_id FROM gih_batch_workers
        WHERE batch_name = @b AND greatest(lease_until, pg_postmaster_start_time() + lease) >= now()
        """;

    // Items of owners that are not alive, never this worker's own (even if its row went missing), or of no
    // owner: a posted item a worker handed back (it could not build its request) waits for one that can.
    private const string OwnerDead = "(owner_id IS NULL OR (owner_id <> @me AND owner_id NOT IN (SELECT worker_id FROM live)))";

    private const string HeartbeatSql = """
        INSERT INTO gih_batch_workers (worker_id, batch_name, name, run_no, lease, lease_until)
        VALUES (@me, @b, @name, @run, @lease, now() + @lease)
        ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now(), lease_until = now() + excluded.lease
        """;

    private const string EnqueueSql = """
        INSERT INTO gih_batch_items (batch_name, key, fingerprint, state, run_no)
        SELECT @b, t.k, t.f, 'pending', @run FROM unnest(@keys, @fingerprints) WITH ORDINALITY AS t (k, f, o)
        ORDER BY t.o
        ON CONFLICT (batch_name, key) DO NOTHING
        """;

    private const string FingerprintConflictSql = """
        SELECT i.key FROM gih_batch_items i JOIN unnest(@keys, @fingerprints) AS t (k, f) ON i.key = t.k
        WHERE i.batch_name = @b AND i.fingerprint <> t.f
        LIMIT 1
        """;

    // A key left refused, not sent or skipped by an earlier run (or unknown, when the run resubmits
    // unknown items) is offered again; within one run it stays final, so it is not claimed endlessly.
    // An unknown item whose generation id came back is a job that exists: never posted again, its id kept.
    private const string ResetSql = """
        UPDATE gih_batch_items i SET
            state = 'pending', owner_id = NULL, generation_id = NULL, credits_reserved = 0,
            error = NULL, message = NULL, run_no = @run, updated_at = now()
        FROM unnest(@keys) AS t (k)
        WHERE i.batch_name = @b AND i.key = t.k AND i.run_no < @run
          AND (i.state IN ('refused', 'not_sent', 'skipped') OR (@resubmitUnknown AND i.state = 'unknown' AND i.generation_id IS NULL))
        """;

    // Never a key this worker still has in hand: another worker that took it for dead may have put it back to
    // pending while its submit waited here, and a second copy in this worker would find the first's "submitting"
    // record as its own and post again. The copy in hand asks for it (and finds it another's, or pending: not its own).
    private const string ClaimSql = """
        WITH c AS (
            SELECT key FROM gih_batch_items
            WHERE batch_name = @b AND state = 'pending' AND key <> ALL (@declined) AND key <> ALL (@held)
            ORDER BY seq LIMIT @n
            FOR UPDATE SKIP LOCKED)
        UPDATE gih_batch_items i SET state = 'claimed', owner_id = @me, run_no = @run, updated_at = now()
        FROM c WHERE i.batch_name = @b AND i.key = c.key
        RETURNING i.key, i.seq
        """;

    private const string TakeoverSql = $"""
        WITH live AS ({LiveWorkers}),
        released AS (
            UPDATE gih_batch_items i SET state = 'pending', owner_id = NULL, updated_at = now()
            FROM (SELECT key FROM gih_batch_items
                  WHERE batch_name = @b AND state = 'claimed' AND {OwnerDead}
                  FOR UPDATE SKIP LOCKED) x
            WHERE i.batch_name = @b AND i.key = x.key
            RETURNING i.key),
        lost AS (
            UPDATE gih_batch_items i SET
                state = 'unknown', credits_spent = i.credits_spent + x.r, run_no = @run,
                error = 'WorkerLost', message = 'The worker that was posting this item stopped before it recorded the answer; it may have been charged.',
                updated_at = now()
            FROM (SELECT key, credits_reserved AS r FROM gih_batch_items
                  WHERE batch_name = @b AND state = 'submitting' AND {OwnerDead}
                  FOR UPDATE SKIP LOCKED) x
            WHERE i.batch_name = @b AND i.key = x.key
            RETURNING x.r),
        moved AS (
            UPDATE gih_batch_batches SET
                credits_reserved = credits_reserved - s.total, credits_spent = credits_spent + s.total, updated_at = now()
            FROM (SELECT coalesce(sum(r), 0) AS total FROM lost) s
            WHERE name = @b AND s.total <> 0
            RETURNING 1),
        resumed AS (
            UPDATE gih_batch_items i SET owner_id = @me, updated_at = now()
            FROM (SELECT key FROM gih_batch_items
                  WHERE batch_name = @b AND state = 'submitted' AND {OwnerDead} AND key <> ALL (@declined)
                  ORDER BY seq LIMIT @n
                  FOR UPDATE SKIP LOCKED) x
            WHERE i.batch_name = @b AND i.key = x.key
            RETURNING i.key, i.seq, i.generation_id, i.credits_reserved),
        gone AS (
            DELETE FROM gih_batch_workers w
            WHERE w.batch_name = @b AND w.worker_id <> @me AND w.worker_id NOT IN (SELECT worker_id FROM live)
              AND NOT EXISTS (SELECT 1 FROM gih_batch_items it WHERE it.owner_id = w.worker_id AND it.state IN {InFlight}))
        SELECT key, generation_id, credits_reserved FROM resumed ORDER BY seq
        """;

    private const string MineSql = """
        SELECT key, state, generation_id, credits_reserved FROM gih_batch_items
        WHERE batch_name = @b AND owner_id = @me AND state IN ('claimed', 'submitted')
        ORDER BY seq
        """;

    // Items this worker handed back are another's to finish: it does not wait for them.
    private const string DrainedSql = """
        SELECT NOT EXISTS (
            SELECT 1 FROM gih_batch_items
            WHERE batch_name = @b AND state IN ('pending', 'claimed', 'submitting', 'submitted') AND key <> ALL (@declined))
        """;

    // A claim handed back: unposted, it is pending again; posted, it keeps its id and waits, ownerless, to be resumed.
    private const string HandBackSql = """
        UPDATE gih_batch_items SET state = CASE WHEN state = 'claimed' THEN 'pending' ELSE state END, owner_id = NULL, updated_at = now()
        WHERE batch_name = @b AND key = @k AND owner_id = @me AND state IN ('claimed', 'submitted')
        """;

    // The reservation and the budget check are one statement: the conditional UPDATE of the batch row
    // re-reads the row after waiting for its lock, so two workers reserving at once cannot both pass.
    private const string BeginSubmitSql = """
        WITH it AS (
            SELECT key, state, owner_id FROM gih_batch_items WHERE batch_name = @b AND key = @k FOR UPDATE),
        res AS (
            UPDATE gih_batch_batches SET credits_reserved = credits_reserved + @c, updated_at = now()
            WHERE name = @b
              AND EXISTS (SELECT 1 FROM it WHERE state = 'claimed' AND owner_id = @me)
              AND (@budget IS NULL OR credits_reserved + credits_spent + @c <= @budget)
            RETURNING 1),
        submitting AS (
            UPDATE gih_batch_items i SET
                state = 'submitting', credits_reserved = @c, error = NULL, message = NULL, run_no = @run, updated_at = now()
            WHERE i.batch_name = @b AND i.key = @k AND EXISTS (SELECT 1 FROM res)
            RETURNING 1),
        skipped AS (
            UPDATE gih_batch_items i SET
                state = 'skipped', run_no = @run, error = 'CreditBudgetExceeded', message = @skipMessage, updated_at = now()
            WHERE i.batch_name = @b AND i.key = @k AND NOT EXISTS (SELECT 1 FROM res)
              AND EXISTS (SELECT 1 FROM it WHERE state = 'claimed' AND owner_id = @me)
            RETURNING 1)
        SELECT (SELECT state FROM it), (SELECT owner_id FROM it), EXISTS (SELECT 1 FROM submitting), EXISTS (SELECT 1 FROM skipped)
        """;

    // This worker's "submitting" record, made by a begin whose answer was lost, that another worker turned unknown
    // while the outage outlasted the lease: no POST was made (the begin never answered), so the item is this worker's
    // claim again and the reservation the taker counted spent is given back. Only ever run for a key this session has
    // not answered recorded, which is the one case where "unknown, no id, WorkerLost, mine" means "never posted".
    private const string ReclaimSql = """
        WITH old AS (
            SELECT key, credits_reserved AS r FROM gih_batch_items
            WHERE batch_name = @b AND key = @k AND owner_id = @me AND state = 'unknown' AND generation_id IS NULL AND error = 'WorkerLost'
            FOR UPDATE),
        u AS (
            UPDATE gih_batch_items i SET
                state = 'claimed', credits_spent = i.credits_spent - old.r, credits_reserved = 0, error = NULL, message = NULL, updated_at = now()
            FROM old WHERE i.batch_name = @b AND i.key = old.key
            RETURNING old.r),
        settled AS (
            UPDATE gih_batch_batches SET credits_spent = credits_spent - u.r, updated_at = now()
            FROM u WHERE name = @b AND u.r <> 0
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM u)
        """;

    // An item this worker has in hand: claimed, being posted, or turned unknown by a worker that took
    // it over while this one was cut off (this one knows better: it still has the answer to record).
    private const string MineInHand = "(old.owner_id = @me AND (old.state IN ('claimed', 'submitting') OR (old.state = 'unknown' AND old.generation_id IS NULL)))";

    // A submitted item may be finished by whichever worker polls it: its owner, or one that took it over.
    private const string SubmittedById = "(old.state = 'submitted' AND (@gid IS NULL OR old.generation_id = @gid))";

    private const string StraySql = """
        UPDATE gih_batch_items SET stray_generation_ids = array_append(coalesce(stray_generation_ids, '{}'), @gid), updated_at = now()
        WHERE batch_name = @b AND key = @k AND NOT (@gid = ANY (coalesce(stray_generation_ids, '{}')))
        """;

    private const string ReleaseSql = """
        UPDATE gih_batch_items SET state = 'pending', owner_id = NULL, updated_at = now()
        WHERE batch_name = @b AND owner_id = @me AND state = 'claimed'
        """;

    private const string LeaveSql = """
        DELETE FROM gih_batch_workers w WHERE w.worker_id = @me
          AND NOT EXISTS (SELECT 1 FROM gih_batch_items it WHERE it.owner_id = @me AND it.state IN ('submitting', 'submitted'))
        """;

    // What it still owns is handed to the others at once rather than after the lease.
    private const string ExpireSql = "UPDATE gih_batch_workers SET lease_until = '-infinity' WHERE worker_id = @me";

    private static readonly Dictionary<BatchJournalEvent, string> RecordSql = new()
    {
        [BatchJournalEvent.Submitted] = BuildRecordSql(MineInHand),
        [BatchJournalEvent.Succeeded] = BuildRecordSql($"{MineInHand} OR {SubmittedById}"),
        [BatchJournalEvent.Failed] = BuildRecordSql($"{MineInHand} OR {SubmittedById}"),
        [BatchJournalEvent.Refused] = BuildRecordSql(MineInHand),
        [BatchJournalEvent.NotSent] = BuildRecordSql(MineInHand),
        [BatchJournalEvent.Unknown] = BuildRecordSql($"{MineInHand} OR (old.owner_id = @me AND old.state = 'submitted')"),
    };

    private readonly PostgreSqlBatchStore _store;
    private readonly BatchRunSettings _settings;
    private readonly OutageRetry _retry;
    private readonly Guid _workerId;
    private readonly long _run;
    private readonly string _workerName;
    private readonly TimeSpan _takeoverEvery;
    private readonly SemaphoreSlim _claimGate = new(1, 1);
    private readonly object _handedGate = new();
    private readonly HashSet<string> _handed = new(StringComparer.Ordinal);

    // Keys whose begin this session answered recorded (under _handedGate): possibly posted, so never reclaimed.
    private readonly HashSet<string> _begun = new(StringComparer.Ordinal);

    // Keys handed back (under _handedGate): never claimed by this worker again, nor waited for.
    private readonly HashSet<string> _declined = new(StringComparer.Ordinal);
    private string[] _declinedKeys = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _heartbeat;
    private long _lastTakeover;
    private volatile bool _mayHaveLostClaims;
    private volatile bool _enqueueDone;
    private int _disposed;

    public PostgreSqlBatchSession(PostgreSqlBatchStore store, BatchRunSettings settings, OutageRetry retry, Guid workerId, long run)
    {
        _store = store;
        _settings = settings;
        _retry = retry;
        _workerId = workerId;
        _run = run;
        _workerName = store.Options.WorkerName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        var quarter = TimeSpan.FromTicks(store.Options.LeaseDuration.Ticks / 4);
        _takeoverEvery = quarter < TimeSpan.FromSeconds(1) ? quarter : TimeSpan.FromSeconds(1);
        _lastTakeover = settings.TimeProvider.GetTimestamp() - (long)(_takeoverEvery.TotalSeconds * settings.TimeProvider.TimestampFrequency);
        _heartbeat = Task.Run(() => HeartbeatLoopAsync(_stopping.Token));
    }

    /// <summary>The worker's id in <c>gih_batch_workers</c>.</summary>
    internal Guid WorkerId => _workerId;

    /// <summary>The run number this worker joined.</summary>
    internal long Run => _run;

    /// <summary>How many calls waited through a database failure (for tests).</summary>
    internal long Retries => _retry.Retries;

    public override async ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var keys = new string[items.Count];
        var fingerprints = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException("An item is null.", nameof(items));
            keys[i] = RequireStorable(item.Key, "key", item.Key, nameof(items));
            fingerprints[i] = RequireStorable(item.Fingerprint, "fingerprint", item.Key, nameof(items));
        }

        if (keys.Length > 0)
        {
            var conflict = await _retry.RunAsync("enqueue items", ct => EnqueueOnceAsync(keys, fingerprints, ct), cancellationToken).ConfigureAwait(false);
            if (conflict is not null)
            {
                throw new ArgumentException(
                    $"The batch item '{conflict}' was enqueued earlier in batch '{_store.BatchName}' with a different request (its fingerprint differs); give the changed request a new key, or use a new batch name.",
                    nameof(items));
            }
        }

        if (isLastChunk)
        {
            _enqueueDone = true;
        }
    }

    public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await _claimGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var claims = new List<BatchClaim>();
            if (_mayHaveLostClaims)
            {
                await AddMineAsync(claims, maxCount, cancellationToken).ConfigureAwait(false);
            }

            var tookOver = false;
            if (claims.Count < maxCount && TakeoverDue())
            {
                await AddTakeoverAsync(claims, maxCount, cancellationToken).ConfigureAwait(false);
                tookOver = true;
            }

            if (claims.Count < maxCount)
            {
                await AddPendingAsync(claims, maxCount, cancellationToken).ConfigureAwait(false);
            }

            var drained = false;
            if (claims.Count == 0)
            {
                // Idle: look for a dead worker's items now, and for claims whose answer was lost.
                if (!tookOver)
                {
                    await AddTakeoverAsync(claims, maxCount, cancellationToken).ConfigureAwait(false);
                }

                if (claims.Count == 0)
                {
                    await AddMineAsync(claims, maxCount, cancellationToken).ConfigureAwait(false);
                }

                if (claims.Count == 0 && _enqueueDone)
                {
                    drained = await _retry.RunAsync("check whether the batch is drained", IsDrainedAsync, cancellationToken).ConfigureAwait(false);
                }
            }

            lock (_handedGate)
            {
                foreach (var claim in claims)
                {
                    _handed.Add(claim.Key);
                }
            }

            return new BatchClaims(claims, drained);
        }
        catch
        {
            // Cancelled (or refused) after a statement had claimed rows: they are this worker's in the
            // database but were never handed out; the next claim looks for them.
            _mayHaveLostClaims = true;
            throw;
        }
        finally
        {
            _claimGate.Release();
        }
    }

    public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (credits is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(credits), credits, "A reservation cannot be negative.");
        }

        var (state, owner, submitting, skipped) = await _retry.RunAsync(
            "record a submit",
            ct => BeginSubmitOnceAsync(key, credits ?? 0, ct),
            cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            throw new InvalidOperationException($"The key '{key}' is not in batch '{_store.BatchName}'.");
        }

        var mine = owner == _workerId;
        if (state == ItemStates.Unknown && mine && !Begun(key))
        {
            // A lost answer's "submitting" record, turned unknown by a worker that took this one for dead during the
            // outage. Answered claim lost, nobody posted it and the store kept it possibly charged, never to be posted,
            // its reservation counted spent against the budget. Nothing was sent: it is claimed again and begun anew.
            // The begin runs again whatever the reclaim answered: a reclaim retried after its own lost answer finds
            // the item claimed already and answers false, and the begin then finds it claimed (or another's).
            await _retry.RunAsync("take back an unsent submit", ct => ReclaimOnceAsync(key, ct), cancellationToken).ConfigureAwait(false);
            (state, owner, submitting, skipped) = await _retry.RunAsync(
                "record a submit",
                ct => BeginSubmitOnceAsync(key, credits ?? 0, ct),
                cancellationToken).ConfigureAwait(false);
            mine = owner == _workerId;
        }

        // Run again after a lost answer, the first run's reservation (or its refusal) is found in place.
        var start = submitting || (state == ItemStates.Submitting && mine) ? BatchSubmitStart.Recorded
            : skipped || (state == ItemStates.Skipped && mine) ? BatchSubmitStart.OverBudget
            : BatchSubmitStart.ClaimLost;
        if (start == BatchSubmitStart.Recorded)
        {
            lock (_handedGate)
            {
                _begun.Add(key);
            }
        }
        else
        {
            // Over the budget (now skipped for this run), or no longer this worker's: a worker cut off
            // longer than its lease finds its claim handed to another, which posts it. Either way, no POST.
            Forget(key);
        }

        return start;
    }

    public override async ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!RecordSql.TryGetValue(record.Event, out var sql))
        {
            throw new ArgumentException($"{record.Event} is recorded by {nameof(BeginSubmitAsync)}, not {nameof(RecordAsync)}.", nameof(record));
        }

        if (record.Event == BatchJournalEvent.Submitted && string.IsNullOrEmpty(record.GenerationId))
        {
            throw new ArgumentException("A submitted record carries its generation id.", nameof(record));
        }

        // The id is the service's text, and PostgreSQL keeps no NUL (nor, in a database not in UTF-8, what its encoding
        // lacks): refused, the record of a paid job failed the store, and the item stayed "submitting" with no id (reported
        // unknown, and posted again under ResubmitUnknown). Kept as near as the database can keep it, the same way on every
        // write, so the item is never posted again.
        if (record.GenerationId is { } id && _store.Text.Storable(id) is var storable && !ReferenceEquals(storable, id))
        {
            record = record with { GenerationId = storable };
        }

        var generation = record.Generation is { } g ? GenerationJson.Write(g, _store.Text) : null;
        var target = ItemStates.FromEvent(record.Event);
        var (state, generationId, applied) = await _retry.RunAsync(
            "record a step",
            ct => RecordOnceAsync(sql, record, target, generation, ct),
            cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            throw new InvalidOperationException($"The key '{record.Key}' is not in batch '{_store.BatchName}'.");
        }

        var repeated = state == target && (record.GenerationId is null || generationId == record.GenerationId);
        if (!applied && !repeated && record.Event == BatchJournalEvent.Submitted)
        {
            // The item moved on without this worker (it was cut off past its lease and the item was
            // posted again under the run's rules). The id is a paid job: keep it on the item rather than lose it.
            await _retry.RunAsync("keep a stray generation id", ct => KeepStrayAsync(record.Key, record.GenerationId!, ct), cancellationToken).ConfigureAwait(false);
        }

        if (record.Event != BatchJournalEvent.Submitted)
        {
            Forget(record.Key);
        }
    }

    public override async ValueTask ReleaseClaimAsync(BatchClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_handedGate)
        {
            // Declined before the statement runs: a claim made meanwhile must not take the item back.
            if (_declined.Add(claim.Key))
            {
                _declinedKeys = [.. _declined];
            }
        }

        await _retry.RunAsync(
            "hand back a claim",
            async ct =>
            {
                var command = Command(HandBackSql);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.Add(Text("k", claim.Key));
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    return true;
                }
            },
            cancellationToken).ConfigureAwait(false);
        Forget(claim.Key);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopHeartbeatAsync().ConfigureAwait(false);

        // Leaving must not hang a finished batch on a dead database: try for one lease, then let the
        // lease run out by itself (the others take over exactly as if this process had died). A run its
        // caller stopped tries once, briefly: the caller waits for nothing the lease does anyway.
        var stopped = _settings.RunStopped.IsCancellationRequested;
        using var leaving = new CancellationTokenSource(stopped ? _store.Options.MaxRetryDelay : _store.Options.LeaseDuration);
        try
        {
            if (stopped)
            {
                await LeaveOnceAsync(leaving.Token).ConfigureAwait(false);
            }
            else
            {
                await _retry.RunAsync("leave the batch", LeaveOnceAsync, leaving.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or NpgsqlException or InvalidOperationException)
        {
            // Never thrown: every record is durable already, and the lease runs out by itself.
        }

        _stopping.Dispose();
        _claimGate.Dispose();
    }

    /// <summary>Stops the heartbeat, as a killed or frozen process would, while leaving the session usable (for tests).</summary>
    internal async Task StopHeartbeatAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);

        // The loop ends cancelled; whatever else stopped it has no one left to tell.
        await _heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static string BuildRecordSql(string allowed) => $"""
        WITH old AS (
            SELECT key, state, owner_id, generation_id, credits_reserved AS r
            FROM gih_batch_items WHERE batch_name = @b AND key = @k FOR UPDATE),
        ok AS (SELECT * FROM old WHERE {allowed}),
        u AS (
            UPDATE gih_batch_items i SET
                state = @to,
                generation_id = coalesce(@gid, i.generation_id),
                credits_reserved = CASE WHEN @to = 'unknown' THEN coalesce(@credits, i.credits_reserved) ELSE i.credits_reserved END,
                credits_spent = i.credits_spent
                    - CASE WHEN ok.state = 'unknown' THEN ok.r ELSE 0 END
                    + CASE WHEN @to IN ('unknown', 'succeeded') THEN coalesce(@credits, ok.r) ELSE 0 END,
                error = @error, message = @message, generation = coalesce(@generation, i.generation),
                run_no = @run, updated_at = now()
            FROM ok WHERE i.batch_name = @b AND i.key = ok.key
            RETURNING
                CASE WHEN ok.state IN ('submitting', 'submitted') THEN -ok.r ELSE 0 END
                    + CASE WHEN @to IN ('submitting', 'submitted') THEN ok.r ELSE 0 END AS reserved_delta,
                CASE WHEN ok.state = 'unknown' THEN -ok.r ELSE 0 END
                    + CASE WHEN @to IN ('unknown', 'succeeded') THEN coalesce(@credits, ok.r) ELSE 0 END AS spent_delta),
        settled AS (
            UPDATE gih_batch_batches SET
                credits_reserved = credits_reserved + u.reserved_delta,
                credits_spent = credits_spent + u.spent_delta,
                updated_at = now()
            FROM u WHERE name = @b AND (u.reserved_delta <> 0 OR u.spent_delta <> 0)
            RETURNING 1)
        SELECT (SELECT state FROM old), (SELECT generation_id FROM old), EXISTS (SELECT 1 FROM u)
        """;

    private static string RequireStorable(string? value, string what, string? key, string paramName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"A batch item's {what} is empty (key '{key}').", paramName);
        }

        // PostgreSQL text holds no NUL, and a lone surrogate has no UTF-8 form: either would come back
        // as another key, and that key would be posted again.
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                throw new ArgumentException($"The batch item {what} '{key}' contains NUL, which PostgreSQL cannot store.", paramName);
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"The batch item {what} '{key}' contains half a surrogate pair, which cannot be stored exactly.", paramName);
            }
        }

        return value;
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = value is null ? DBNull.Value : value };

    private static NpgsqlParameter Bigint(string name, long? value) =>
        new(name, NpgsqlDbType.Bigint) { Value = value is { } v ? v : DBNull.Value };

    private static NpgsqlParameter<string[]> TextArray(string name, string[] value) =>
        new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = value };

    private NpgsqlParameter<string[]> Declined()
    {
        lock (_handedGate)
        {
            return TextArray("declined", _declinedKeys);
        }
    }

    private NpgsqlParameter<string[]> Held()
    {
        lock (_handedGate)
        {
            return TextArray("held", [.. _handed]);
        }
    }

    private NpgsqlCommand Command(string sql)
    {
        var command = _store.Command(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("me", NpgsqlDbType.Uuid) { TypedValue = _workerId });
        command.Parameters.Add(new NpgsqlParameter<long>("run", NpgsqlDbType.Bigint) { TypedValue = _run });
        return command;
    }

    private NpgsqlBatchCommand BatchCommand(string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("b", NpgsqlDbType.Text) { TypedValue = _store.BatchName });
        command.Parameters.Add(new NpgsqlParameter<Guid>("me", NpgsqlDbType.Uuid) { TypedValue = _workerId });
        command.Parameters.Add(new NpgsqlParameter<long>("run", NpgsqlDbType.Bigint) { TypedValue = _run });
        return command;
    }

    private bool TakeoverDue()
    {
        var now = _settings.TimeProvider.GetTimestamp();
        return _settings.TimeProvider.GetElapsedTime(Interlocked.Read(ref _lastTakeover), now) >= _takeoverEvery;
    }

    private void Forget(string key)
    {
        lock (_handedGate)
        {
            _handed.Remove(key);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(_store.Options.HeartbeatInterval, _settings.TimeProvider, cancellationToken).ConfigureAwait(false);
            try
            {
                await _retry.RunAsync("renew the lease", HeartbeatOnceAsync, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // A refusal that is not an outage (a permission revoked mid-run, a disposed data source):
                // the next beat tries again; the calls that do the work report the failure to the runner.
            }
        }
    }

    private async Task<bool> HeartbeatOnceAsync(CancellationToken cancellationToken)
    {
        // An upsert: a worker cut off past its lease, whose row another worker deleted, registers again.
        var command = Command(HeartbeatSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("name", _workerName));
            command.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", NpgsqlDbType.Interval) { TypedValue = _store.Options.LeaseDuration });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    private async Task<string?> EnqueueOnceAsync(string[] keys, string[] fingerprints, CancellationToken cancellationToken)
    {
        var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    // Insert, then compare: the insert waits for any other worker inserting the same keys, so
                    // the comparison sees their fingerprints too; on a conflict the whole chunk is rolled back.
                    var insert = BatchCommand(EnqueueSql);
                    insert.Parameters.Add(TextArray("keys", keys));
                    insert.Parameters.Add(TextArray("fingerprints", fingerprints));
                    var conflictQuery = BatchCommand(FingerprintConflictSql);
                    conflictQuery.Parameters.Add(TextArray("keys", keys));
                    conflictQuery.Parameters.Add(TextArray("fingerprints", fingerprints));
                    var reset = BatchCommand(ResetSql);
                    reset.Parameters.Add(TextArray("keys", keys));
                    reset.Parameters.Add(new NpgsqlParameter<bool>("resubmitUnknown", NpgsqlDbType.Boolean) { TypedValue = _settings.ResubmitUnknown });
                    batch.BatchCommands.Add(insert);
                    batch.BatchCommands.Add(conflictQuery);
                    batch.BatchCommands.Add(reset);

                    string? conflict = null;
                    var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        // Only the comparison returns rows (Npgsql passes over the statements that return none).
                        do
                        {
                            if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                conflict = reader.GetString(0);
                            }
                        }
                        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                    }

                    if (conflict is null)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return conflict;
                }
            }
        }
    }

    private async Task AddPendingAsync(List<BatchClaim> claims, int maxCount, CancellationToken cancellationToken)
    {
        var keys = await _retry.RunAsync(
            "claim items",
            async ct =>
            {
                var command = Command(ClaimSql);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.Add(Declined());
                    command.Parameters.Add(Held());
                    command.Parameters.Add(new NpgsqlParameter<int>("n", NpgsqlDbType.Integer) { TypedValue = maxCount - claims.Count });
                    var rows = new List<(string Key, long Seq)>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            rows.Add((reader.GetString(0), reader.GetInt64(1)));
                        }
                    }

                    rows.Sort((x, y) => x.Seq.CompareTo(y.Seq));
                    return rows;
                }
            },
            cancellationToken,
            MarkLostClaims).ConfigureAwait(false);
        foreach (var (key, _) in keys)
        {
            claims.Add(new BatchClaim(key, BatchClaimKind.Submit));
        }
    }

    private async Task AddTakeoverAsync(List<BatchClaim> claims, int maxCount, CancellationToken cancellationToken)
    {
        var resumed = await _retry.RunAsync(
            "take over a dead worker's items",
            async ct =>
            {
                var command = Command(TakeoverSql);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.Add(Declined());
                    command.Parameters.Add(new NpgsqlParameter<int>("n", NpgsqlDbType.Integer) { TypedValue = maxCount - claims.Count });
                    var rows = new List<BatchClaim>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            rows.Add(ResumeClaim(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                        }
                    }

                    return rows;
                }
            },
            cancellationToken,
            MarkLostClaims).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastTakeover, _settings.TimeProvider.GetTimestamp());
        lock (_handedGate)
        {
            // An ownerless posted item may be one this worker still follows: a worker that took it over while this
            // one's lease had lapsed handed it back. It is this worker's again, and already in hand: never handed out
            // twice (a second poll of the same job, and a second result for its key).
            resumed.RemoveAll(claim => _handed.Contains(claim.Key));
        }

        claims.AddRange(resumed);
    }

    /// <summary>
    /// Finds the items the database says this worker holds but the runner was never given: a claim or a
    /// takeover whose commit went through while its answer was lost to a cut connection. Without this
    /// they would stay claimed by a live worker and the batch would never drain.
    /// </summary>
    private async Task AddMineAsync(List<BatchClaim> claims, int maxCount, CancellationToken cancellationToken)
    {
        _mayHaveLostClaims = false;
        var mine = await _retry.RunAsync(
            "find its own claims",
            async ct =>
            {
                var command = Command(MineSql);
                await using (command.ConfigureAwait(false))
                {
                    var rows = new List<BatchClaim>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            var key = reader.GetString(0);
                            rows.Add(reader.GetString(1) == ItemStates.Claimed
                                ? new BatchClaim(key, BatchClaimKind.Submit)
                                : ResumeClaim(key, reader.GetString(2), reader.GetInt64(3)));
                        }
                    }

                    return rows;
                }
            },
            cancellationToken).ConfigureAwait(false);
        lock (_handedGate)
        {
            foreach (var claim in mine)
            {
                if (claims.Count >= maxCount)
                {
                    _mayHaveLostClaims = true;
                    break;
                }

                if (!_handed.Contains(claim.Key) && !claims.Exists(c => c.Key == claim.Key))
                {
                    claims.Add(claim);
                }
            }
        }
    }

    private void MarkLostClaims() => _mayHaveLostClaims = true;

    private static BatchClaim ResumeClaim(string key, string generationId, long reserved) => new(key, BatchClaimKind.Resume)
    {
        GenerationId = generationId,
        Record = new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = generationId, Credits = reserved },
    };

    private async Task<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var command = Command(DrainedSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Declined());
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private async Task<(string? State, Guid? Owner, bool Submitting, bool Skipped)> BeginSubmitOnceAsync(string key, long credits, CancellationToken cancellationToken)
    {
        var command = Command(BeginSubmitSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("k", key));
            command.Parameters.Add(Bigint("c", credits));
            command.Parameters.Add(Bigint("budget", _settings.CreditBudget));
            command.Parameters.Add(Text(
                "skipMessage",
                string.Create(CultureInfo.InvariantCulture, $"Reserving {credits} credits would pass the batch's credit budget of {_settings.CreditBudget}.")));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetGuid(1),
                    reader.GetBoolean(2),
                    reader.GetBoolean(3));
            }
        }
    }

    private async Task<(string? State, string? GenerationId, bool Applied)> RecordOnceAsync(
        string sql, BatchRecord record, string target, string? generation, CancellationToken cancellationToken)
    {
        var command = Command(sql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("k", record.Key));
            command.Parameters.Add(Text("to", target));
            command.Parameters.Add(Text("gid", record.GenerationId));
            command.Parameters.Add(Bigint("credits", record.Credits));
            // Free text from an answer or an exception: what PostgreSQL cannot keep must not cost the record its id.
            command.Parameters.Add(Text("error", record.Error is { } error ? _store.Text.Storable(error) : null));
            command.Parameters.Add(Text("message", record.Message is { } message ? _store.Text.Storable(message) : null));
            command.Parameters.Add(new NpgsqlParameter("generation", NpgsqlDbType.Jsonb) { Value = generation is null ? DBNull.Value : generation });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetBoolean(2));
            }
        }
    }

    private bool Begun(string key)
    {
        lock (_handedGate)
        {
            return _begun.Contains(key);
        }
    }

    private async Task<bool> ReclaimOnceAsync(string key, CancellationToken cancellationToken)
    {
        var command = Command(ReclaimSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("k", key));
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private async Task<bool> KeepStrayAsync(string key, string generationId, CancellationToken cancellationToken)
    {
        var command = Command(StraySql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(Text("k", key));
            command.Parameters.Add(Text("gid", generationId));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    private async Task<bool> LeaveOnceAsync(CancellationToken cancellationToken)
    {
        // Three statements in one round trip, each with its own snapshot: give back what was claimed but
        // not posted, leave if nothing posted is left, and otherwise hand the rest over at once.
        var batch = _store.DataSource.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(BatchCommand(ReleaseSql));
            batch.BatchCommands.Add(BatchCommand(LeaveSql));
            batch.BatchCommands.Add(BatchCommand(ExpireSql));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
