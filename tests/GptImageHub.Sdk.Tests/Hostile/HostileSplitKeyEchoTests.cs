using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A key echoed in an error body where it does not arrive whole: split across two TCP writes or two chunks (held: the
/// body is read whole before it is masked), or cut by the 16 KiB the SDK reads of an error body. There the whole key
/// no longer matched, and a key of no known shape (a proxy's, chosen by its owner) went into the exception's message
/// all but its last characters. What the cut leaves of it is masked now.
/// </summary>
public sealed class HostileSplitKeyEchoTests
{
    /// <summary>A proxy's key: not shaped like a GPT Image Hub key, so only the client's knowledge of it masks it.</summary>
    private const string ProxyKey = "pxk-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProxyKey, 4)]
    [InlineData(ProxyKey, 20)]
    [InlineData(ProxyKey, 34)]
    [InlineData(TestKeys.ApiKey, 30)]
    public async Task A_key_cut_by_the_error_body_cap_leaves_none_of_it_in_the_exception(string key, int kept)
    {
        // White space before it is trimmed, so the cut key opens the excerpt the message quotes.
        var body = new string(' ', ErrorMapper.MaxErrorBodyBytes - kept) + key + " was refused";
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(400, new StringContent(body)));
        using var client = handler.CreateClient(o => { o.ApiKey = key; o.MaxRetries = 0; });

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(T));

        Assert.DoesNotContain(key.Substring(0, 4), ex.ToString(), StringComparison.Ordinal);
        Assert.Contains(SecretRedaction.Mask, ex.Message, StringComparison.Ordinal);
        Assert.Equal(400, (int)ex.StatusCode!);
    }

    [Fact]
    public void A_text_cut_after_less_than_four_characters_of_the_key_is_left_as_it_is() =>
        Assert.Equal("refused: pxk", SecretRedaction.RedactCutKey("refused: pxk", ProxyKey));

    [Fact]
    public async Task An_error_body_under_the_cap_that_ends_in_a_start_of_the_key_is_quoted_as_it_is()
    {
        // Not cut: the text ends where the server ended it, so nothing there is a part of the key.
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(400, new StringContent("unknown prefix pxk-9f8e")));
        using var client = handler.CreateClient(o => { o.ApiKey = ProxyKey; o.MaxRetries = 0; });

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(T));

        Assert.Contains("unknown prefix pxk-9f8e", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int> Splits()
    {
        var data = new TheoryData<string, int>();
        foreach (var framing in new[] { "length", "chunked" })
        {
            foreach (var at in new[] { 1, 4, 17, ProxyKey.Length - 1 })
            {
                data.Add(framing, at);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public async Task A_key_split_across_two_writes_of_an_error_body_is_masked_whole(string framing, int at)
    {
        var json = "{\"error\":{\"code\":\"proxy_denied\",\"message\":\"refused key " + ProxyKey + " here\"}}";
        var split = json.IndexOf(ProxyKey, StringComparison.Ordinal) + at;
        var (head, first, second) = framing == "length"
            ? ($"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n", json[..split], json[split..])
            : ("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", Chunk(json[..split]), Chunk(json[split..]) + "0\r\n\r\n");
        await using var server = new RawAnswerServer(async (_, _, stream) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + first));
            await stream.FlushAsync();
            await Task.Delay(20);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(second));
        });
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = ProxyKey, BaseAddress = server.BaseAddress, MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(5) });

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(T));

        Assert.Equal("refused key [redacted] here (HTTP 403 proxy_denied)", ex.Message);
        Assert.DoesNotContain("9f8e", ex.ToString(), StringComparison.Ordinal);
    }

    private static string Chunk(string data) => $"{Encoding.UTF8.GetByteCount(data):x}\r\n{data}\r\n";
}
