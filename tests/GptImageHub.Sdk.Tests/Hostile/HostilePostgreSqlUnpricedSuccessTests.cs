using System.Text;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Batch.PostgreSql;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A credit budget (here the fleet store's) fed a succeeded job whose <c>usage</c> gives no <c>credits</c>: a <c>usage</c>
/// object without the field read as 0 credits, so each job counted free and a budget of two prices admitted every item
/// (5 of 5 posted and paid). Now it keeps the reserved price as spent, as a missing <c>usage</c> and a negative number
/// already did.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class HostilePostgreSqlUnpricedSuccessTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("\"credits\":-8")]
    [InlineData("\"unpriced\":8")]
    public async Task A_budget_of_two_prices_admits_two_items_in_the_database_whatever_the_answer_says_it_cost(string usage)
    {
        server.Require();
        var submitted = 0;
        var handler = new CannedAnswerHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            var json = request.Method == HttpMethod.Post
                ? SeedResponses.Generation($"gen_{Interlocked.Increment(ref submitted)}", "queued")
                : path.EndsWith("/models", StringComparison.Ordinal)
                    ? SeedResponses.Models
                    : SeedResponses.Succeeded(path[(path.LastIndexOf('/') + 1)..]).Replace("\"credits\":8", usage, StringComparison.Ordinal);
            return CannedAnswerHandler.Answer(request.Method == HttpMethod.Post ? 202 : 200, new StringContent(json, Encoding.UTF8, "application/json"));
        });
        using var client = FastClient(CannedAnswerHandler.BaseAddress, TestKeys.ApiKey, handler);
        var name = $"test-{Guid.NewGuid():N}";
        await using var store = new PostgreSqlBatchStore(server.ConnectionString!, name, PostgreSqlTests.Steady);
        var options = new BatchOptions { Store = store, MaxConcurrency = 1, CreditBudget = 16 };

        var first = await CollectAsync(client.GenerateBatchAsync(Items(1, "a"), options, Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var second = await CollectAsync(client.GenerateBatchAsync(Items(1, "a").Concat(Items(4, "b")).ToList(), options, Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var status = await store.GetStatusAsync(Ct);

        Assert.Equal(2, handler.Posts);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(first).Status);
        Assert.Equal(BatchItemStatus.Succeeded, second.Single(r => r.Key == "b-000").Status);
        Assert.All(second.Where(r => r.Key != "b-000"), r => Assert.Equal(BatchItemStatus.Skipped, r.Status));
        Assert.Equal(16, status.CreditsSpent);
        Assert.Equal(0, status.CreditsReserved);
    }
}
