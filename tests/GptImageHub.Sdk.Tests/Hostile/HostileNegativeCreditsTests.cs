using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A credit budget fed negative numbers by a broken or hostile answer: a job whose <c>usage.credits</c> was -8 took 8 back
/// from the credits spent, and a model list whose price was -8 reserved -8 per item, so the batch admitted items past its
/// budget and the account paid for them. A job now counts no less than nothing, and a negative price is no price: under
/// a budget its items are not submitted (the price is unknown), as for a model the list does not price.
/// </summary>
public sealed class HostileNegativeCreditsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gih-hostile-negative-credits-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{ "1K": 8 }""", -8, 2)]
    [InlineData("""{ "1K": -8 }""", 8, 0)]
    [InlineData("-8", 8, 0)]
    [InlineData("""{ "1K": "-8" }""", 8, 0)]
    public async Task A_budget_of_two_prices_never_admits_a_third_item_whatever_negative_number_the_service_sends(string prices, int charged, int posts)
    {
        var submitted = 0;
        var handler = new CannedAnswerHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            var json = request.Method == HttpMethod.Post
                ? SeedResponses.Generation($"gen_{Interlocked.Increment(ref submitted)}", "queued")
                : path.EndsWith("/models", StringComparison.Ordinal)
                    ? SeedResponses.Models.Replace("""{ "1K": 8, "2K": 10, "4K": 12 }""", prices, StringComparison.Ordinal)
                    : SeedResponses.Succeeded(path[(path.LastIndexOf('/') + 1)..]).Replace("\"credits\":8", $"\"credits\":{charged}", StringComparison.Ordinal);
            return CannedAnswerHandler.Answer(request.Method == HttpMethod.Post ? 202 : 200, new StringContent(json, Encoding.UTF8, "application/json"));
        });
        using var client = FastClient(CannedAnswerHandler.BaseAddress, TestKeys.ApiKey, handler);
        var items = Items(5, "negative");
        var options = new BatchOptions { JournalPath = Path.Combine(_directory.FullName, "run.jsonl"), MaxConcurrency = 1, CreditBudget = 16 };

        var results = await CollectAsync(client.GenerateBatchAsync(items, options, Ct)).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(posts, handler.Posts);
        Assert.Equal(posts, results.Count(r => r.Status == BatchItemStatus.Succeeded));
        Assert.All(results.Where(r => r.Status != BatchItemStatus.Succeeded), r => Assert.Equal(BatchItemStatus.Skipped, r.Status));
        Assert.Equal(items.Count, results.Count);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
