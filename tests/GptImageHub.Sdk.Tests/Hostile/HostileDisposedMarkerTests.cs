using System.Runtime.ExceptionServices;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The client's own "disposed before sending" ObjectDisposedException is recognised by identity: it
/// stays NotSent through garbage collections and a rethrow of the same exception, while a copy with
/// the same name and message, or the client's own wrapped in an AggregateException, is read as
/// possibly charged (the cautious answer), so that nothing is ever sent twice on its account.
/// </summary>
public sealed class HostileDisposedMarkerTests
{
    [Fact]
    public async Task The_clients_own_exception_stays_not_sent_through_collections_and_a_rethrow()
    {
        var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:9/") });
        client.Dispose();
        var own = await Assert.ThrowsAsync<ObjectDisposedException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken));

        // Many marked exceptions created and dropped: the table must neither forget the live one nor grow without bound.
        for (var i = 0; i < 1_000; i++)
        {
            _ = await Record.ExceptionAsync(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rethrown = Assert.Throws<ObjectDisposedException>(() => ExceptionDispatchInfo.Capture(own).Throw());

        Assert.Same(own, rethrown);
        Assert.Equal(SubmitOutcome.NotSent, ChargeClassifier.Classify(rethrown));
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(new ObjectDisposedException(own.ObjectName, own.Message)));
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(new AggregateException(own)));
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(new InvalidOperationException("wrapped", own)));
    }
}
