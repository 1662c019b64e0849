using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using Npgsql;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A stop (Ctrl+C) that lands after the service answered a batch submit with its job, before the job is recorded:
/// the store's write of that id was handed the batch's stopping token, so the fleet store canceled it and kept the
/// item "submitting" with no id. The caller's result named the job, but the store lost it, and every later run
/// reported it unknown with no id to follow. Guard: the paid job's id is written whatever the stop, and a later run
/// follows it without posting.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostileStopAfterAnswerRecordTests(PostgreSqlServer server) : PostgreSqlEmulatorTestBase(server, TimeSpan.Zero, PostgreSqlTests.Steady)
{
    [Fact]
    public async Task A_stop_right_after_the_answer_still_stores_the_paid_jobs_id_and_the_next_run_follows_it()
    {
        Server.Require();
        var key = Hub.CreateApiKey(credits: 1000);
        using var inner = FastClient(Hub.BaseAddress, key);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var decorator = new StopAfterAnswer(inner, stop);
        var items = Items(1, "pgstop");
        var name = $"hostile-stop-answer-{Guid.NewGuid():N}";

        List<BatchItemResult> first = [];
        await using (var store = Store(name))
        {
            try
            {
                await foreach (var result in decorator.GenerateBatchAsync(items, new BatchOptions { Store = store, MaxConcurrency = 1 }, stop.Token))
                {
                    first.Add(result);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var paidId = Assert.Single(decorator.Answered);
        Assert.Equal(paidId, await StoredIdAsync(name, items[0].Key));

        List<BatchItemResult> second;
        await using (var store = Store(name))
        {
            second = await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { Store = store }, Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        var followed = Assert.Single(second);
        Assert.Equal(BatchItemStatus.Succeeded, followed.Status);
        Assert.Equal(paidId, followed.GenerationId);
        Assert.Single(Hub.Ledger.GenerationRequests);
    }

    [Fact]
    public async Task A_stop_right_after_the_answer_while_the_database_is_down_still_ends_within_the_record_grace_with_the_paid_id()
    {
        // The other side of the guard (promise 3): the record of the id outlives the stop, but not by more than a bound.
        Server.RequireRestartable();
        using var inner = NewClient(1000);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var decorator = new StopAfterAnswer(inner, stop, Server.StopAsync);
        var name = $"hostile-stop-answer-outage-{Guid.NewGuid():N}";
        await using var store = Store(name);
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var (results, error) = await CollectUntilErrorAsync(decorator.GenerateBatchAsync(Items(1, "pgstopdown"), new BatchOptions { Store = store }, stop.Token))
                .WaitAsync(TimeSpan.FromSeconds(60), Ct);
            watch.Stop();

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            var result = Assert.Single(results);
            Assert.Equal(Assert.Single(decorator.Answered), result.GenerationId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the stopped batch took {watch.Elapsed} to end");
        }
        finally
        {
            await Server.StartAsync();
        }
    }

    private async Task<string?> StoredIdAsync(string name, string itemKey)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString!);
        await using var command = dataSource.CreateCommand("SELECT generation_id FROM gih_batch_items WHERE batch_name = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = itemKey });
        return await command.ExecuteScalarAsync(Ct) as string;
    }

    /// <summary>The user's stop arrives the moment the service's answer does.</summary>
    private sealed class StopAfterAnswer(IGptImageHubClient inner, CancellationTokenSource stop, Func<Task>? first = null) : SubmitDecorator(inner)
    {
        public List<string> Answered { get; } = [];

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var operation = await Inner.StartImageGenerationAsync(request, cancellationToken);
            Answered.Add(operation.Id);
            if (first is not null)
            {
                await first();
            }

            await stop.CancelAsync();
            return operation;
        }
    }
}
