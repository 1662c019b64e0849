using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using Npgsql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The fleet store's table, like the file journal (<see cref="HostileJournaledKeyTests"/>): a decorator's own exception
/// that quotes a key had its message written to <c>gih_batch_items.message</c>, the key at rest in a database every
/// worker and report reads. The runner masks what it records, so no store writes it.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlJournaledKeyTests(PostgreSqlServer server)
    : PostgreSqlEmulatorTestBase(server, TimeSpan.Zero, PostgreSqlTests.Steady)
{
    /// <summary>A GPT Image Hub key (not the suite's, which the leak watcher fails the run on), unique to this test.</summary>
    private const string QuotedKey = "gih_live_QuotedIntoTheFleetTable0123456789";

    [Fact]
    public async Task A_decorators_failure_that_quotes_a_key_is_stored_masked()
    {
        Server.Require();
        using var inner = NewClient(credits: 100);
        var decorator = new QuotingDecorator(inner);

        List<BatchItemResult> results;
        await using (var store = NewStore("hostile-journaled-key"))
        {
            results = await CollectAsync(decorator.GenerateBatchAsync(Items(2, "pgquoted"), new BatchOptions { Store = store }, Ct)).WaitAsync(RunBound, Ct);
        }

        Assert.Equal(2, results.Count);
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString!);
        Assert.Equal(0L, await CountAsync(dataSource, "%QuotedIntoTheFleetTable%"));
        Assert.Equal(2L, await CountAsync(dataSource, "%audit layer refused Authorization: Bearer [redacted]%"));
        Assert.Empty(Hub.Ledger.GenerationRequests);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string like)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM gih_batch_items WHERE message LIKE $1");
        command.Parameters.Add(new NpgsqlParameter { Value = like });
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private sealed class QuotingDecorator(IGptImageHubClient inner) : SubmitDecorator(inner)
    {
        public override Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default) =>
            Task.FromException<GenerationOperation>(new InvalidOperationException("audit layer refused Authorization: Bearer " + QuotedKey));
    }
}
