using System.Net;
using GptImageHub.Sdk.Errors;
using static GptImageHub.Sdk.Tests.Infrastructure.BatchRuns;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The SDK's exception types are public, and a consumer's handler in the <see cref="HttpClient"/> it hands the SDK
/// may throw one of its own after the charged POST was answered: a budget handler that reads the answer's usage and
/// throws <see cref="CreditLimitExceededException"/> once the month's spend is over, a handler that maps answers to
/// the SDK's own <see cref="RateLimitedException"/>. Thrown out of the SDK's own submit, the charge rule read it by
/// its type ("a guard, nothing sent", "the service refused"): the batch journaled the paid item as not sent or
/// refused, and the next run paid for it again. Whatever a consumer's handler throws is possibly charged.
/// </summary>
public sealed class HostileHandlerThrowsSdkExceptionTests() : EmulatorAndDirectory("gih-hostile-handler-sdk-exception-")
{
    [Theory]
    [InlineData("a credit limit of its own")]
    [InlineData("a reference image failure of its own")]
    [InlineData("a rate limit with the service's status and code")]
    [InlineData("a status-less service exception")]
    public async Task An_SDK_exception_a_consumers_handler_throws_after_a_charged_POST_leaves_the_item_unknown_and_sends_it_once_over_two_runs(string thrown)
    {
        Func<GptImageHubException> create = thrown switch
        {
            "a credit limit of its own" => () => new CreditLimitExceededException("The month's image budget is spent."),
            "a reference image failure of its own" => () => new ReferenceImageException("The audit copy of the image could not be stored."),
            "a rate limit with the service's status and code" => () => new RateLimitedException("Our own quota.", (HttpStatusCode)429, "rate_limited"),
            _ => () => new ServiceException("The audit store is down."),
        };
        using var client = FastClient(Hub.BaseAddress, Hub.CreateApiKey(credits: 1000), new ThrowsAfterTheAnswer(create) { InnerHandler = new SocketsHttpHandler() });
        var items = Items(1);

        var first = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));
        var second = await CollectAsync(client.GenerateBatchAsync(items, new BatchOptions { JournalPath = Journal }, T));

        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(first).Status);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(first[0].Error!));
        Assert.Equal(BatchItemStatus.Unknown, Assert.Single(second).Status);
        Assert.Equal(1, Hub.Ledger.CountGenerationRequests(items[0].Request.Prompt));
    }

    /// <summary>A consumer's handler that, once the POST is answered, throws an exception of the SDK's types it made itself.</summary>
    private sealed class ThrowsAfterTheAnswer(Func<GptImageHubException> create) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post)
            {
                response.Dispose();
                throw create();
            }

            return response;
        }
    }
}
