using System.Diagnostics;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// An <see cref="ArgumentException"/> is the BCL's most common exception, and the SDK's own submit runs
/// the consumer's code after the POST was charged: the handlers of an <see cref="HttpClient"/> from
/// <c>IHttpClientFactory</c>, and the consumer's tracing listener (whose exceptions the SDK now drops, see
/// <see cref="HostileThrowingTelemetryTests"/>). A <c>Dictionary.Add</c> of a duplicate key in
/// either throws an ArgumentException out of the SDK's own submit, which the charge rule read as the
/// SDK's own argument check ("nothing sent"): the batch journaled the charged item not sent, lost its
/// id, and the next run with the same journal paid for it again.
/// </summary>
public sealed class HostileAfterSendArgumentTests() : EmulatorAndDirectory("gih-hostile-after-send-")
{
    [Fact]
    public async Task An_ArgumentException_from_a_consumers_handler_after_a_charged_POST_leaves_the_item_unknown_and_sends_it_once_over_two_runs()
    {
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000), new RecordsEachAnswerOnce { InnerHandler = new SocketsHttpHandler() });
        var items = Items(1);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(first).Status);
        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(second).Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task An_ArgumentException_from_a_consumers_activity_listener_after_a_charged_POST_is_dropped_and_the_item_is_sent_once_over_two_runs()
    {
        // A tracing listener that files each finished POST with Dictionary.Add; only this test's requests (by port), so tests running alongside are untouched.
        var port = Hub.BaseAddress.Port;
        var filed = new Dictionary<string, int>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GptImageHubTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName == "POST" && Equals(activity.GetTagItem("server.port"), port))
                {
                    filed.Add(activity.DisplayName, port);
                    filed.Add(activity.DisplayName, port);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var items = Items(1);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        // The listener's exception no longer ends the charged submit (QuietActivity): the paid job is kept, not merely left unknown.
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(first).Status);
        Assert.NotNull(first[0].GenerationId);
        Assert.Equal(BatchItemStatus.Succeeded, Assert.Single(second).Status);
        Assert.True(second[0].FromJournal);
        Assert.Equal(first[0].GenerationId, second[0].GenerationId);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    [Fact]
    public async Task The_SDKs_own_argument_check_still_says_nothing_was_sent()
    {
        // A reference image that does not exist is refused before a byte leaves: the item fails, not unknown.
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000));
        var request = new ImageGenerationRequest("gpt-image-2", "a fox") { ReferenceImages = [ReferenceImage.FromFile(Path.Combine(TempDirectory, "missing.png"))] };

        var result = Assert.Single(await CollectAsync(client.GenerateBatchAsync([new BatchItem("a", request)], new BatchOptions { JournalPath = Journal }, T)));

        Assert.Equal(BatchItemStatus.Failed, result.Status);
        Assert.IsAssignableFrom<ArgumentException>(result.Error);
        Assert.Contains("\"not_sent\"", await File.ReadAllTextAsync(Journal, T), StringComparison.Ordinal);
    }

    /// <summary>A consumer's metrics handler that files each answer under its request path with Dictionary.Add: the second POST to the same path throws.</summary>
    private sealed class RecordsEachAnswerOnce : DelegatingHandler
    {
        private readonly Dictionary<string, int> _seen = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post)
            {
                // The charge has happened by now; this throws ArgumentException("An item with the same key has already been added").
                _seen.Add(request.RequestUri!.AbsolutePath, (int)response.StatusCode);
                _seen.Add(request.RequestUri!.AbsolutePath, (int)response.StatusCode);
            }

            return response;
        }
    }
}
