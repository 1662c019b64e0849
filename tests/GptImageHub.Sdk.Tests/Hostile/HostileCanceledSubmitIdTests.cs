using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's decorator that bounds its submit with a token of its own (a timeout) stops the SDK's submit while
/// the answer is being read: once the answer named the job, the SDK throws <see cref="GenerationCanceledException"/>
/// naming it. That is an <see cref="OperationCanceledException"/>, not a <see cref="GptImageHubException"/>, and the
/// batch read the id from the latter only: the paid item was reported and journaled unknown without its id, so
/// neither the caller nor a rerun could resume it. Now the batch follows the job it names to its outcome.
/// </summary>
public sealed class HostileCanceledSubmitIdTests
{
    private const string PaidId = "clx_generation_log_id";

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_submit_a_decorator_stops_after_the_answer_named_the_job_is_followed_reported_and_journaled_with_that_id()
    {
        // The answer names the job, then stalls before its last byte; a poll of the job finds it finished.
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Fault(FaultPoint.BeforeLastByte, cut: false, 202, SeedResponses.AsyncQueued)
            : Respond(200, SeedResponses.SyncSucceeded));
        using var inner = FastClient(server.BaseAddress, TestKeys.ApiKey);
        var decorator = new BoundedSubmit(inner, TimeSpan.FromMilliseconds(300));
        var journal = Path.Combine(Directory.CreateTempSubdirectory("gih-hostile-canceled-id-").FullName, "batch.jsonl");
        try
        {
            var result = Assert.Single(await CollectAsync(decorator.GenerateBatchAsync(Items(1), new BatchOptions { JournalPath = journal }, T)));

            // Only the GenerationCanceledException the decorator passed on names the job: followed, it is the job's outcome.
            Assert.Equal(BatchItemStatus.Succeeded, result.Status);
            Assert.Equal(PaidId, result.GenerationId);
            Assert.Equal(PaidId, result.Generation!.Id);
            Assert.Equal(1, server.Received.Count(r => r.Method == "POST"));
            Assert.Contains(PaidId, await File.ReadAllTextAsync(journal, T), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(journal)!, recursive: true);
        }
    }

    /// <summary>A consumer's decorator that gives the SDK's submit a deadline of its own.</summary>
    private sealed class BoundedSubmit(IGptImageHubClient inner, TimeSpan limit) : SubmitDecorator(inner)
    {
        public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(limit);
            return await Inner.StartImageGenerationAsync(request, deadline.Token);
        }
    }
}
