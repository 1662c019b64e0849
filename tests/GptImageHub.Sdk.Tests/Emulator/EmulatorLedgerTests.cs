using System.Net;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed class EmulatorLedgerTests : EmulatorTestBase
{
    [Fact]
    public async Task Charge_is_recorded_on_submit_with_the_generation_id_and_balance()
    {
        var body = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "charged", n = 2, quality = "2K" }));
        var id = body.GetProperty("id").GetString()!;

        var charge = Assert.Single(Hub.Ledger.GetEntriesForGeneration(id));
        Assert.Equal(LedgerEntryKind.Charge, charge.Kind);
        Assert.Equal(20, charge.Credits);
        Assert.Equal(80, charge.BalanceAfter);
        Assert.Equal(Hub.GetUserId(Key), charge.UserId);
        Assert.Equal(20, Hub.Ledger.TotalCharged);
        Assert.Equal(0, Hub.Ledger.TotalRefunded);
        Assert.Equal(2, Hub.Ledger.ImagesDelivered);
    }

    [Fact]
    public async Task Failed_sync_generation_is_500_generationFailed_and_refunded_in_full()
    {
        Hub.Faults.FailNextGeneration();

        using var response = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "fails", n = 2 }), Key);

        await AssertErrorAsync(response, HttpStatusCode.InternalServerError, "generationFailed");
        Assert.Equal(100, Hub.Ledger.GetBalance(Key));
        Assert.Equal(16, Hub.Ledger.TotalCharged);
        Assert.Equal(16, Hub.Ledger.TotalRefunded);
        Assert.Equal(0, Hub.Ledger.NetCharged);
        Assert.Equal(0, Hub.Ledger.ImagesDelivered);
    }

    [Fact]
    public async Task Fewer_images_than_asked_refund_the_missing_part()
    {
        Hub.Faults.DeliverFewerImagesNext(imagesDelivered: 1);

        var body = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "short", n = 3 }));

        Assert.Equal(1, body.GetProperty("images").GetArrayLength());
        Assert.Equal(8, body.GetProperty("usage").GetProperty("credits").GetInt32());
        Assert.Equal(92, body.GetProperty("balance").GetProperty("credits").GetInt64());
        var entries = Hub.Ledger.GetEntriesForGeneration(body.GetProperty("id").GetString()!);
        Assert.Equal([(LedgerEntryKind.Charge, 24L), (LedgerEntryKind.Refund, 16L)], entries.Select(e => (e.Kind, e.Credits)));
        Assert.Equal(1, Hub.Ledger.ImagesDelivered);
    }

    [Fact]
    public async Task Generation_faults_are_used_once_and_later_generations_are_whole()
    {
        Hub.Faults.DeliverFewerImagesNext(imagesDelivered: 0);

        using var failed = await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "first" }), Key);
        var whole = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "second", n = 2 }));

        await AssertErrorAsync(failed, HttpStatusCode.InternalServerError, "generationFailed");
        Assert.Equal(2, whole.GetProperty("images").GetArrayLength());
        Assert.Equal(0, Hub.Faults.PendingCount);
    }

    [Fact]
    public async Task A_post_sent_twice_is_counted_and_charged_twice()
    {
        var json = Json(new { model = "gpt-image-2", prompt = "twice" });
        await GenerateAsync(json);
        await GenerateAsync(json);

        Assert.Equal(2, Hub.Ledger.CountGenerationRequests("twice"));
        Assert.Equal(16, Hub.Ledger.NetCharged);
    }

    [Fact]
    public async Task Refused_requests_are_counted_but_not_charged()
    {
        using (await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "refused", n = 9 }), Key))
        {
        }

        using (await PostJsonAsync(Json(new { model = "gpt-image-2", prompt = "refused" })))
        {
        }

        Assert.Equal(2, Hub.Ledger.CountGenerationRequests("refused"));
        Assert.Equal(0, Hub.Ledger.CountGenerationRequests("never sent"));
        var first = Hub.Ledger.GenerationRequests[0];
        Assert.Equal(("gpt-image-2", (int?)9, false, false), (first.Model, first.N, first.Async, first.IsMultipart));
        Assert.Equal(0, Hub.Ledger.TotalCharged);
    }

    [Fact]
    public async Task Entries_of_one_user_exclude_other_users()
    {
        var other = Hub.CreateApiKey(credits: 50);
        await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "mine" }));
        await GenerateAsync(Json(new { model = "nanobanana", prompt = "theirs" }), other);

        Assert.Equal([LedgerEntryKind.Grant, LedgerEntryKind.Charge], Hub.Ledger.GetEntries(Key).Select(e => e.Kind));
        Assert.Equal(46, Hub.Ledger.GetBalance(other));
        Assert.Equal(12, Hub.Ledger.TotalCharged);
        Assert.Equal(4, Hub.Ledger.Entries.Count);
    }

    [Fact]
    public void Adding_credits_records_a_grant()
    {
        Hub.Ledger.AddCredits(Key, 25);

        var grant = Hub.Ledger.GetEntries(Key)[^1];
        Assert.Equal((LedgerEntryKind.Grant, 25L, 125L, (string?)null), (grant.Kind, grant.Credits, grant.BalanceAfter, grant.GenerationId));
        Assert.Equal(125, Hub.Ledger.GetBalance(Key));
    }
}
