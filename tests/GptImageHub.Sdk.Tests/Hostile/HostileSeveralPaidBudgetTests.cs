using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A consumer's decorator whose own retry paid for two jobs for one item: the item is reported unknown naming both,
/// but the store counted one price for it, so under a credit budget the batch went on to admit an item the budget had
/// no room for, and the account paid past the budget. The record now counts one price per paid job, and the next item
/// that would pass the budget is skipped. The PostgreSQL store's case is in <see cref="HostilePostgreSqlDecoratorTests"/>.
/// </summary>
public sealed class HostileSeveralPaidBudgetTests() : EmulatorAndDirectory("gih-hostile-several-paid-")
{
    [Fact]
    public async Task An_item_a_decorator_paid_twice_for_counts_twice_against_the_budget()
    {
        using var inner = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(3, "several-paid");
        var price = (await inner.EstimateCreditsAsync(items[0].Request, T)).Credits!.Value;
        var decorator = new PaysTwiceForTheFirstSubmit(inner);

        var results = await CollectAsync(decorator.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal, MaxConcurrency = 1, CreditBudget = 3 * price }, T))
            .WaitAsync(TimeSpan.FromSeconds(30), T);

        AssertBudgetHeld(results, items, price, Hub.Ledger.TotalCharged);
    }

    /// <summary>Two jobs for the first item (paid twice), one for the next, and the third skipped over the budget of three prices.</summary>
    internal static void AssertBudgetHeld(List<BatchItemResult> results, List<BatchItem> items, long price, long charged)
    {
        var byKey = results.ToDictionary(r => r.Key, StringComparer.Ordinal);
        Assert.Equal(BatchItemStatus.Unknown, byKey[items[0].Key].Status);
        Assert.Equal(BatchItemStatus.Succeeded, byKey[items[1].Key].Status);
        var skipped = byKey[items[2].Key];
        Assert.True(skipped.Status == BatchItemStatus.Skipped, $"{skipped.Status}: {skipped.Reason}");
        Assert.Contains("budget", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(3 * price, charged);
    }
}

/// <summary>A layer whose own retry submits the first request twice and returns the second job; later submits go once.</summary>
internal sealed class PaysTwiceForTheFirstSubmit(IGptImageHubClient inner) : SubmitDecorator(inner)
{
    private int _submits;

    public override async Task<GenerationOperation> StartImageGenerationAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _submits) == 1)
        {
            await Inner.StartImageGenerationAsync(request, cancellationToken);
        }

        return await Inner.StartImageGenerationAsync(request, cancellationToken);
    }
}
