using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// The charge classifier's table: every way a generation POST can fail, what it may have cost, whether
/// the SDK sends it again, what a batch journals, and what the exception tells the caller. Each row runs a real submit over
/// loopback (or stops it before sending), so the table is the behaviour, not a copy of the switch.
/// </summary>
public sealed class ChargeClassifierTests
{
    private const string Html502 = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";

    private static string Error(string code) => """{"error":{"message":"no","code":"CODE"}}""".Replace("CODE", code, StringComparison.Ordinal);

    /// <summary>A fault a submit can meet, answered by the scripted server for every attempt.</summary>
    public static TheoryData<string, string, bool> ServerFaults => new()
    {
        // name                                   outcome                          sent again?
        { "400 invalid_request",                  "Refused",         false },
        { "401 missingApiKey",                    "Refused",         false },
        { "401 invalidApiKey",                    "Refused",         false },
        { "401 expiredApiKey",                    "Refused",         false },
        { "402 insufficientCredits",              "Refused",         false },
        { "404 notFound",                         "Refused",         false },
        { "429 rateLimited",                      "Refused",         true },
        { "429 empty",                            "Refused",         true },
        { "500 generationFailed",                 "Refused",         false },
        { "400 undocumented code",                "PossiblyCharged",   false },
        { "401 undocumented code",                "PossiblyCharged",   false },
        { "408 empty",                            "PossiblyCharged",   false },
        { "500 empty",                            "PossiblyCharged",   false },
        { "500 other code",                       "PossiblyCharged",   false },
        { "502 proxy HTML",                       "PossiblyCharged",   false },
        { "503 empty",                            "PossiblyCharged",   false },
        { "504 empty",                            "PossiblyCharged",   false },
        { "dropped after sending",                "PossiblyCharged",   false },
        { "2xx body cut short",                   "PossiblyCharged",   false },
        { "2xx body not JSON",                    "PossiblyCharged",   false },
        { "2xx body without an id",               "PossiblyCharged",   false },
    };

    private static Step Answer(string fault) => fault switch
    {
        "400 invalid_request" => Respond(400, Error("invalid_request")),
        "401 missingApiKey" => Respond(401, Error("missingApiKey")),
        "401 invalidApiKey" => Respond(401, Error("invalidApiKey")),
        "401 expiredApiKey" => Respond(401, Error("expiredApiKey")),
        "402 insufficientCredits" => Respond(402, Error("insufficientCredits")),
        "404 notFound" => Respond(404, Error("notFound")),
        "429 rateLimited" => Respond(429, Error("rateLimited"), ("Retry-After", "1")),
        "429 empty" => Respond(429, ""),
        "500 generationFailed" => Respond(500, Error("generationFailed")),
        "400 undocumented code" => Respond(400, Error("badThing")),
        "401 undocumented code" => Respond(401, Error("sessionGone")),
        "408 empty" => Respond(408, ""),
        "500 empty" => Respond(500, ""),
        "500 other code" => Respond(500, Error("internal")),
        "502 proxy HTML" => Respond(502, Html502, ("Content-Type", "text/html")),
        "503 empty" => Respond(503, ""),
        "504 empty" => Respond(504, ""),
        "dropped after sending" => Drop(),
        "2xx body cut short" => Truncate(202, SeedResponses.AsyncQueued),
        "2xx body not JSON" => Respond(202, "<html>ok</html>"),
        "2xx body without an id" => Respond(202, """{"status":"queued"}"""),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    [Theory]
    [MemberData(nameof(ServerFaults))]
    public async Task A_failed_submit_is_classified_retried_and_described_by_one_rule(string fault, string outcome, bool sentAgain)
    {
        var expected = Enum.Parse<SubmitOutcome>(outcome);
        await using var server = new ScriptedHttpServer((_, _) => Answer(fault));
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 1, TimeProvider = clock });

        var error = await Assert.ThrowsAnyAsync<GptImageHubException>(() => clock.RunAsync(
            client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken)));

        Assert.Equal(expected, ChargeClassifier.Classify(error));
        Assert.Equal(expected == SubmitOutcome.Refused ? BatchJournalEvent.Refused : BatchJournalEvent.Unknown, BatchRunner.JournalEventFor(ChargeClassifier.Classify(error)));
        Assert.Equal(sentAgain ? 2 : 1, server.Received.Count(r => r.Method == "POST"));
        Assert.Equal(expected == SubmitOutcome.PossiblyCharged, error.PossiblyCharged);
        Assert.Equal(expected == SubmitOutcome.PossiblyCharged, error.Message.Contains("possibly charged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_connection_was_not_sent_and_is_tried_again()
    {
        var port = LoopbackPort.Unused();
        var clock = new SteppingClock();
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 1, TimeProvider = clock });

        var error = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => clock.RunAsync(
            client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken)));

        Assert.Equal(SubmitOutcome.NotSent, ChargeClassifier.Classify(error));
        Assert.Equal(BatchJournalEvent.NotSent, BatchRunner.JournalEventFor(SubmitOutcome.NotSent));
        Assert.True(RetryStrategyRule(error));
        Assert.False(error.PossiblyCharged);
        Assert.DoesNotContain("possibly charged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_after_the_request_was_sent_is_possibly_charged_and_never_repeated()
    {
        await using var server = new ScriptedHttpServer((_, _) => Hang());
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 3, RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<GptImageHubConnectionException>(() =>
            client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(error));
        Assert.Equal(BatchJournalEvent.Unknown, BatchRunner.JournalEventFor(SubmitOutcome.PossiblyCharged));
        Assert.True(error.PossiblyCharged);
        Assert.Single(server.Received);
    }

    public static TheoryData<string> StoppedBeforeSending => new() { "caller mistake", "MaxCreditsPerRequest", "unreadable reference image", "no key" };

    [Theory]
    [MemberData(nameof(StoppedBeforeSending))]
    public async Task A_submit_stopped_before_sending_was_not_sent(string fault)
    {
        await using var server = new ScriptedHttpServer((r, _) => r.Method == "GET" ? Respond(200, SeedResponses.Models) : Respond(202, SeedResponses.AsyncQueued));
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = fault == "no key" ? null : TestKeys.ApiKey,
            BaseAddress = server.BaseAddress,
            MaxCreditsPerRequest = fault == "MaxCreditsPerRequest" ? 1 : null,
        });
        var request = fault switch
        {
            "caller mistake" => new ImageGenerationRequest("gpt-image-2", "a fox") { N = 99 },
            "unreadable reference image" => new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromFile(Path.Combine(Path.GetTempPath(), "gih-missing-" + Guid.NewGuid().ToString("N") + ".png"))] },
            _ => new ImageGenerationRequest("gpt-image-2", "a fox") { Quality = ImageQuality.Tier1K },
        };

        Exception? error = null;
        try
        {
            await client.StartImageGenerationAsync(request, TestContext.Current.CancellationToken);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Assert.NotNull(error);
        Assert.Equal(SubmitOutcome.NotSent, ChargeClassifier.Classify(error));
        Assert.Equal(BatchJournalEvent.NotSent, BatchRunner.JournalEventFor(ChargeClassifier.Classify(error)));
        Assert.False(RetryStrategyRule(error));
        Assert.DoesNotContain(server.Received, r => r.Method == "POST");
        Assert.False(error is GptImageHubException { PossiblyCharged: true });
    }

    [Fact]
    public void Anything_the_classifier_does_not_know_is_possibly_charged()
    {
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(new InvalidOperationException("surprise")));
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(new OperationCanceledException()));
        Assert.Equal(SubmitOutcome.PossiblyCharged, default(SubmitOutcome));
    }

    private static bool RetryStrategyRule(Exception error) => Http.RetryStrategy.IsRetriableForSubmit(error, (error as GptImageHubException)?.RetryAfter);
}
