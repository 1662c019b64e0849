using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A custom store whose BeginSubmitAsync returns a value BatchSubmitStart does not define (0, the enum's default, or a
/// later version's 99): only Recorded lets a POST go, so the item is skipped, unsent, with the value named. Held.
/// </summary>
public sealed class HostileUndefinedSubmitStartTests() : EmulatorAndDirectory("gih-hostile-start-")
{
    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    public async Task An_undefined_answer_to_begin_submit_posts_nothing_and_skips_the_item(int value)
    {
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var store = new FaultyStore(new FileBatchStore(Journal)) { BeginSubmitRefuses = _ => (BatchSubmitStart)value };

        var (results, error) = await CollectUntilErrorAsync(client.GenerateBatchAsync(Items(2, "undefined"), new BatchOptions { Store = store, MaxConcurrency = 1 }, T))
            .WaitAsync(TimeSpan.FromSeconds(30), T);

        Assert.Null(error);
        Assert.Empty(Hub.Ledger.GenerationRequests);
        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(BatchItemStatus.Skipped, r.Status);
            Assert.Contains($"({value})", r.Reason, StringComparison.Ordinal);
        });
    }
}
