using System.Text.Json;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using Npgsql;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// PostgreSQL keeps no NUL in text and no \u0000 in jsonb, but the service's answers and the SDK's error
/// messages are free text. A record the database refuses leaves a paid job "submitted" (polled and refused
/// again on every run: the batch never finishes) or "submitting" without its id (the id is lost). Guard: the
/// record is stored, with the id, whatever text the answer carried. And a stored id is never dropped: an unknown
/// item that has one is not offered for a new POST even when the run resubmits unknown items.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlRecordTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_succeeded_generation_whose_answer_holds_NUL_characters_is_recorded_with_its_id()
    {
        server.Require();
        var name = $"hostile-nul-{Guid.NewGuid():N}";
        await using var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady);
        await using var session = await SubmittedAsync(store, "k0", "g0");
        using var extra = JsonDocument.Parse("""{"note":"a\u0000b","nested":{"x\u0000y":["\u0000","\ud800"]},"half":"\udc00"}""");
        var generation = GptImageHubModelFactory.ImageGeneration(
            "g0",
            GenerationStatus.Succeeded,
            model: "gpt\0image",
            images: [GptImageHubModelFactory.GeneratedImage("i\0", new Uri("https://cdn.example/i0.png"))],
            additionalProperties: new Dictionary<string, JsonElement> { ["odd\0field"] = extra.RootElement.Clone() });

        await session.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Succeeded) { GenerationId = "g0", Credits = 5, Generation = generation }, Ct);

        var (state, id, json) = await ReadAsync(name, "k0");
        Assert.Equal("succeeded", state);
        Assert.Equal("g0", id);
        Assert.Contains("\"g0\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unknown", "the service said \0 then stopped")]
    [InlineData("Failed", "the service said \0 then stopped")]
    [InlineData("Unknown", "cut in the middle of an emoji \ud83d")]
    [InlineData("Failed", "cut in the middle of an emoji \ud83d")]
    public async Task A_record_whose_error_message_holds_NUL_or_half_a_surrogate_pair_keeps_the_generation_id(string kind, string message)
    {
        server.Require();
        var name = $"hostile-nulmsg-{Guid.NewGuid():N}";
        await using var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady);
        BatchStoreSession session;
        if (kind == "Unknown")
        {
            session = await OpenClaimedAsync(store, "k0");
            Assert.Equal(BatchSubmitStart.Recorded, await session.BeginSubmitAsync("k0", 5, Ct));
        }
        else
        {
            session = await SubmittedAsync(store, "k0", "g0");
        }

        await using (session)
        {
            var journalEvent = Enum.Parse<BatchJournalEvent>(kind);
            await session.RecordAsync(new BatchRecord("k0", journalEvent) { GenerationId = "g0", Error = "InvalidResponseException", Message = message }, Ct);
        }

        var (state, id, _) = await ReadAsync(name, "k0");
        Assert.Equal(kind.ToLowerInvariant(), state);
        Assert.Equal("g0", id);
    }

    [Fact]
    public async Task ResubmitUnknown_never_posts_again_an_unknown_item_whose_generation_id_came_back()
    {
        // ResubmitUnknown is for items whose id never came back; one whose id did is a job that exists and is paid for.
        server.Require();
        var name = $"hostile-resubmit-{Guid.NewGuid():N}";
        await using var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady);
        await using (var first = await OpenClaimedAsync(store, "k0"))
        {
            Assert.Equal(BatchSubmitStart.Recorded, await first.BeginSubmitAsync("k0", 5, Ct));
            await first.RecordAsync(new BatchRecord("k0", BatchJournalEvent.Unknown) { GenerationId = "g0", Error = "InvalidResponseException", Message = "cut" }, Ct);
        }

        await using (var second = await store.OpenAsync(new BatchRunSettings { ResubmitUnknown = true }, Ct))
        {
            await second.EnqueueAsync([new BatchStoreItem("k0", "fp")], isLastChunk: true, Ct);
            var claims = await second.ClaimAsync(1, Ct);
            Assert.DoesNotContain(claims.Claims, c => c.Kind == BatchClaimKind.Submit);
        }

        var (state, id, _) = await ReadAsync(name, "k0");
        Assert.Equal("unknown", state);
        Assert.Equal("g0", id);
    }

    private static async Task<BatchStoreSession> OpenClaimedAsync(PostgreSqlBatchStore store, string key)
    {
        var session = await store.OpenAsync(new BatchRunSettings(), Ct);
        await session.EnqueueAsync([new BatchStoreItem(key, "fp")], isLastChunk: true, Ct);
        var claims = await session.ClaimAsync(1, Ct);
        Assert.Equal(key, Assert.Single(claims.Claims).Key);
        return session;
    }

    private static async Task<BatchStoreSession> SubmittedAsync(PostgreSqlBatchStore store, string key, string generationId)
    {
        var session = await OpenClaimedAsync(store, key);
        Assert.Equal(BatchSubmitStart.Recorded, await session.BeginSubmitAsync(key, 5, Ct));
        await session.RecordAsync(new BatchRecord(key, BatchJournalEvent.Submitted) { GenerationId = generationId }, Ct);
        return session;
    }

    private async Task<(string State, string? Id, string? Generation)> ReadAsync(string name, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString!);
        await using var command = dataSource.CreateCommand("SELECT state, generation_id, generation::text FROM gih_batch_items WHERE batch_name = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }
}
