using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A caller cancels a PostgreSQL batch while a submit is on the wire. The submit goes on (it must end with its id
/// known), is paid, and the runner records the item submitted with that id: through the caller's token, already
/// cancelled, so the PostgreSQL session gave up before it sent a byte, and so did the hand-back of the claim with its
/// id. The database kept the item "submitting" without the id; the next worker's run offered it nothing to follow,
/// and the paid job was in no store. Records now outlive the caller's stop (the runner's grace), so the id is written.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlStoppedRecordTests(PostgreSqlServer server) : PostgreSqlEmulatorTestBase(server, TimeSpan.Zero, PostgreSqlTests.Steady)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_submit_paid_after_the_caller_cancelled_keeps_its_id_in_the_database_for_the_next_worker(bool decoratorFails)
    {
        Server.Require();
        using var inner = NewClient(1000);
        var decorator = new HeldAfterSubmit(inner, decoratorFails);
        var items = Items(1, decoratorFails ? "pgstoppedfailed" : "pgstopped");
        var name = $"hostile-stopped-record-{Guid.NewGuid():N}";

        (List<BatchItemResult> Results, Exception? Error) first;
        await using (var store = Store(name))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var run = CollectUntilErrorAsync(decorator.GenerateBatchAsync(items, new BatchOptions { Store = store }, stop.Token));
            await decorator.Paid.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await stop.CancelAsync();
            decorator.Release.SetResult();
            first = await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }

        List<BatchItemResult> second;
        await using (var store = Store(name))
        {
            second = await CollectAsync(inner.GenerateBatchAsync(items, new BatchOptions { Store = store }, Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        var paid = await decorator.Paid.Task;
        Assert.IsAssignableFrom<OperationCanceledException>(first.Error);
        Assert.Equal(paid, Assert.Single(first.Results).GenerationId);
        var resumed = Assert.Single(second);
        Assert.Equal(paid, resumed.GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, resumed.Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    /// <summary>A layer whose submit is paid, then held until the test releases it; it then fails, or returns the job.</summary>
    private sealed class HeldAfterSubmit(IGptImageHubClient inner, bool fail) : SubmitDecorator(inner)
    {
        public TaskCompletionSource<string> Paid { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            var operation = await Inner.StartImageGenerationAsync(request, cancellationToken);
            Paid.SetResult(operation.Id);
            await Release.Task;
            return fail ? throw new InvalidOperationException("The audit store is down.") : operation;
        }
    }
}
