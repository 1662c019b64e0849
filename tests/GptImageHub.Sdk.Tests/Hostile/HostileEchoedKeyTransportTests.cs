using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// HttpClient's handler quotes what it could not parse in its exception's message ("Received an invalid status line:
/// '...'", "Received an invalid header line: '...'"). A server or proxy that echoes the request's Authorization there
/// put the key into GptImageHubConnectionException's message (the SDK quotes the handler's) and into its ToString
/// through the inner exception, for a charged submit as for a read. The key is now masked there too, and the failure
/// keeps its kind: still a connection failure, possibly charged, sent once. A line it cannot read as a chunk's size it
/// quotes as hex bytes, which spelled the key out as well.
/// </summary>
public sealed class HostileEchoedKeyTransportTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<string> Echoes() => new()
    {
        TestKeys.ApiKey + " 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nAuthorization Bearer " + TestKeys.ApiKey + "\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Echo Bearer gih_live_AnotherAccountsKey99\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + TestKeys.ApiKey + "\r\n{}\r\n0\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(Echoes))]
    public async Task A_key_echoed_in_an_answer_line_that_does_not_parse_never_reaches_the_exception(string answer)
    {
        await using var server = new RawAnswerServer(async (_, _, stream) => await stream.WriteAsync(Encoding.ASCII.GetBytes(answer)));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 2, RequestTimeout = TimeSpan.FromSeconds(5) });

        var submit = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));
        var read = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(T));

        foreach (var ex in new[] { submit, read })
        {
            Assert.DoesNotContain("T3stK3y", ex.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AnotherAccounts", ex.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(BitConverter.ToString(Encoding.UTF8.GetBytes(TestKeys.ApiKey)), ex.ToString(), StringComparison.Ordinal);
            Assert.Contains(SecretRedaction.Mask, ex.Message, StringComparison.Ordinal);
            Assert.True(ex.InnerException is HttpRequestException or HttpIOException, ex.InnerException?.GetType().Name);
        }

        Assert.True(submit.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(submit));
        Assert.Equal(1, server.Received.Count(r => r.Method == "POST"));
    }
}
