using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A PostgreSQL worker whose claim another worker put back to pending (it took the worker for dead) learns so from
/// its submit record: the session answers <see cref="BatchSubmitStart.ClaimLost"/> and lets go of the key at once, so
/// its next claim may take the pending item again. If that claim reached the runner before the copy that got the
/// answer had ended (a thread paused between the store's answer and the runner's forgetting the item), the runner took
/// it for a repeat and ignored it, keeping "the store's claim with the copy at work", a copy that was about to drop it:
/// the item stayed claimed by this live worker, which waits for it to drain, for ever (promise 3).
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlRepeatAfterLostClaimTests(PostgreSqlServer server)
    : PostgreSqlEmulatorTestBase(server, TimeSpan.FromMilliseconds(50), ShortLease)
{
    [Fact]
    public async Task An_item_claimed_again_while_its_lost_claims_copy_ends_is_handed_back_and_the_batch_ends()
    {
        Server.Require();
        var name = $"hostile-repeat-lost-{Guid.NewGuid():N}";
        using var client = NewClient(credits: 1000);
        var item = Items(1, "repeat-lost")[0];
        await using var inner = Store(name);
        var store = new RaceStore(inner, item.Key, () => PutBackAsync(name, item.Key));

        var results = await CollectAsync(client.GenerateBatchAsync([item], new BatchOptions { Store = store, MaxConcurrency = 2 }, Ct)).WaitAsync(RunBound, Ct);

        var result = Assert.Single(results);
        Assert.Equal(BatchItemStatus.Skipped, result.Status);
        Assert.Equal(0, Hub.Ledger.CountGenerationRequests(item.Request.Prompt));
        Assert.True(store.ClaimedAgain, "the worker never claimed the item again while its first copy ended");

        // Handed back: pending, no worker's, for another worker or the next run to post once.
        Assert.Equal(("pending", true), await StateAsync(name, item.Key));
    }

    /// <summary>What a worker that took this one for dead does to its claim.</summary>
    private async Task PutBackAsync(string name, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString!);
        await using var command = dataSource.CreateCommand("UPDATE gih_batch_items SET state = 'pending', owner_id = NULL WHERE batch_name = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<(string State, bool Ownerless)> StateAsync(string name, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString!);
        await using var command = dataSource.CreateCommand("SELECT state, owner_id IS NULL FROM gih_batch_items WHERE batch_name = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    /// <summary>
    /// Forwards to the PostgreSQL store. The item's claim is put back before its submit record, and the store's answer
    /// (claim lost) reaches the runner only once the runner's claim loop has taken the item again and asked for more,
    /// as a paused thread would make it.
    /// </summary>
    private sealed class RaceStore(BatchStore inner, string key, Func<Task> putBack) : ForwardingBatchStore(inner)
    {
        private readonly TaskCompletionSource _askedAfterRepeat = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _answered;

        public bool ClaimedAgain { get; private set; }

        protected override BatchStoreSession Wrap(BatchStoreSession session) => new Session(this, session);

        private sealed class Session(RaceStore store, BatchStoreSession inner) : ForwardingBatchSession(inner)
        {
            public override async ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
            {
                if (store.ClaimedAgain)
                {
                    // The runner has dealt with the claim taken again: the first copy's answer may go.
                    store._askedAfterRepeat.TrySetResult();
                }

                var claims = await Inner.ClaimAsync(maxCount, cancellationToken);
                if (store._answered && claims.Claims.Any(c => c.Key == store.Key))
                {
                    store.ClaimedAgain = true;
                }

                return claims;
            }

            public override async ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
            {
                await store.PutBack();
                var answer = await Inner.BeginSubmitAsync(key, credits, cancellationToken);
                Assert.Equal(BatchSubmitStart.ClaimLost, answer);
                store._answered = true;
                await store._askedAfterRepeat.Task.WaitAsync(RunBound, cancellationToken);
                return answer;
            }
        }

        private string Key => key;

        private Task PutBack() => putBack();
    }
}
