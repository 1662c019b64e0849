using System.Text.Json;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Serialization;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The fleet store in a database whose encoding is not UTF-8 (LATIN1, as older installations have): free text of an
/// answer or an exception that the encoding cannot hold (curly quotes, an emoji) made PostgreSQL refuse the whole record
/// (22P05), and with it the paid job's id it carried: the batch failed, and the fleet's tables kept the item with no id
/// or no outcome. Now such characters are written as <c>?</c>, and the record lands with its id.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileDatabaseEncodingTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_record_whose_message_a_latin1_database_cannot_hold_keeps_its_paid_id()
    {
        server.Require();
        var item = await InLatin1DatabaseAsync(new BatchRecord("a", BatchJournalEvent.Unknown)
        {
            GenerationId = "gen_paid_1",
            Credits = 10,
            Error = "SeveralGenerationsPaid",
            Message = "The service said “busy” 🦊, café (the submit paid for generations 'gen_paid_1', 'gen_paid_2')",
        });

        Assert.Equal(("unknown", "gen_paid_1", "The service said ?busy? ?, café (the submit paid for generations 'gen_paid_1', 'gen_paid_2')", null), item);
    }

    [Fact]
    public async Task A_succeeded_record_whose_generation_a_latin1_database_cannot_hold_is_kept()
    {
        server.Require();
        var generation = JsonSerializer.Deserialize(
            """{"id":"gen_paid_1","status":"succeeded","images":[{"id":"i1","url":"https://cdn.example.com/i1.png"}],"revised_prompt":"“fox” 🦊 café"}""",
            GptImageHubJsonContext.Default.ImageGeneration)!;

        var item = await InLatin1DatabaseAsync(new BatchRecord("a", BatchJournalEvent.Succeeded) { GenerationId = "gen_paid_1", Credits = 5, Generation = generation });

        Assert.Equal(("succeeded", "gen_paid_1", null, "?fox? ? café"), item);
    }

    /// <summary>Records <paramref name="record"/> on a posted item in a fresh LATIN1 database; returns what its row keeps.</summary>
    private async Task<(string State, string? GenerationId, string? Message, string? RevisedPrompt)> InLatin1DatabaseAsync(BatchRecord record)
    {
        var database = $"latin1_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(server.ConnectionString!))
        {
            await using var create = admin.CreateCommand($"CREATE DATABASE {database} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
            await create.ExecuteNonQueryAsync(Ct);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database }.ConnectionString;
        try
        {
            await using var store = new PostgreSqlBatchStore(connectionString, "b", PostgreSqlTests.Steady);
            await using (var session = await store.OpenAsync(new BatchRunSettings(), Ct))
            {
                await session.EnqueueAsync([new BatchStoreItem(record.Key, "fp")], isLastChunk: true, Ct);
                Assert.Single((await session.ClaimAsync(1, Ct)).Claims);
                Assert.Equal(BatchSubmitStart.Recorded, await session.BeginSubmitAsync(record.Key, 5, Ct));
                await session.RecordAsync(record, Ct);
            }

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var command = dataSource.CreateCommand(
                "SELECT state, generation_id, message, generation ->> 'revised_prompt' FROM gih_batch_items WHERE batch_name = 'b' AND key = @k");
            command.Parameters.AddWithValue("k", record.Key);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            return (
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }
}
