using System.Text;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using Npgsql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A paid job whose id, as the service named it, holds NUL: PostgreSQL text keeps no NUL, so the store refused the
/// "submitted" record (22021), the batch failed its store, and the item stayed "submitting" with no id: the paid job was
/// in no row, every later run reported it unknown with nothing to follow, and one with ResubmitUnknown could post it again.
/// The id is now kept as near as PostgreSQL can keep it (U+FFFD in place of NUL, the same on every write): the record
/// lands with an id, the outcome is recorded, the run's result names the exact id, and no run posts the item again.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlOddIdTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("gen\\u0000nul", "gen\0nul", "gen\uFFFDnul")]
    [InlineData("\\u0000", "\0", "\uFFFD")]
    [InlineData("a\\u0000b\\u0000", "a\0b\0", "a\uFFFDb\uFFFD")]
    public async Task A_paid_job_whose_id_holds_NUL_is_recorded_with_its_id_and_never_posted_again(string jsonId, string id, string storedId)
    {
        server.Require();
        var name = $"hostile-oddid-{Guid.NewGuid():N}";
        var handler = new CannedAnswerHandler(request =>
        {
            var json = request.Method == HttpMethod.Post
                ? SeedResponses.Generation(jsonId, "queued")
                : request.RequestUri!.AbsolutePath.EndsWith("/models", StringComparison.Ordinal) ? SeedResponses.Models : SeedResponses.Succeeded(jsonId);
            return CannedAnswerHandler.Answer(request.Method == HttpMethod.Post ? 202 : 200, new StringContent(json, Encoding.UTF8, "application/json"));
        });
        using var client = FastClient(CannedAnswerHandler.BaseAddress, TestKeys.ApiKey, handler);
        var items = Items(1, "oddid");

        await using (var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady))
        {
            var (first, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1 }, Ct));
            Assert.Null(error);
            var result = Assert.Single(first);
            Assert.Equal(BatchItemStatus.Succeeded, result.Status);
            Assert.Equal(id, result.GenerationId);
        }

        Assert.Equal(("succeeded", storedId), await ReadAsync(name, items[0].Key));

        await using (var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady))
        {
            var (second, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1, ResubmitUnknown = true }, Ct));
            // A fleet store offers a finished item to no one: nothing is posted, and the row keeps the id.
            Assert.Null(error);
            Assert.Empty(second);
        }

        Assert.Equal(("succeeded", storedId), await ReadAsync(name, items[0].Key));
        Assert.Equal(1, handler.Posts);
    }

    private async Task<(string State, string? Id)> ReadAsync(string name, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
        await using var command = dataSource.CreateCommand("SELECT state, generation_id FROM gih_batch_items WHERE batch_name = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
