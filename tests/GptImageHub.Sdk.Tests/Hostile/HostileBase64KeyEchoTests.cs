using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A proxy, gateway or consumer's handler that reports the request's credentials writes them as base64: the key as a
/// Basic user name or password, or the whole <c>Authorization</c> value (<c>Bearer key</c>) encoded. The SDK masked the
/// key only as written, so its base64 went into the exception's message, its <c>ToString</c>, every log of it and the
/// batch journal, where anyone decodes it in a second. The key's base64 is masked now wherever it starts in the encoded
/// text (a Basic user name before it, a whole header block around it), to the end of that text.
/// </summary>
public sealed class HostileBase64KeyEchoTests
{
    private const string Key = TestKeys.ApiKey;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    /// <summary>Every exact base64 form a test looks for, unpadded, standard and URL alphabets.</summary>
    public static IEnumerable<string> Encoded(string key) =>
        new[] { key, "Bearer " + key, key + ":", ":" + key }
            .Select(secret => Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)).TrimEnd('='))
            .SelectMany(b64 => new[] { b64, b64.Replace('+', '-').Replace('/', '_') })
            .Distinct(StringComparer.Ordinal);

    public static TheoryData<string, string> Echoes()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, secret) in new[] { ("key", Key), ("Bearer key", "Bearer " + Key), ("key as user", Key + ":"), ("key as password", ":" + Key) })
        {
            var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
            data.Add(name + ", JSON error, documented code", "{\"error\":{\"code\":\"invalid_request\",\"message\":\"upstream refused Authorization: Basic " + b64 + "\"}}");
            data.Add(name + ", JSON error, undocumented code", "{\"error\":{\"code\":\"proxy_denied\",\"message\":\"credentials " + b64 + " not accepted\"}}");
            data.Add(name + ", proxy page", "<html>denied: auth=" + b64 + "</html>");
            data.Add(name + ", URL alphabet", "denied: token=" + b64.TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Echoes))]
    public async Task A_key_echoed_as_base64_in_an_error_body_never_reaches_the_exception(string echo, string body)
    {
        _ = echo;
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(400, new StringContent(body)));
        using var client = handler.CreateClient(o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GetCreditsAsync(T));

        AssertNoKey(ex.ToString(), Key);
        Assert.Contains(SecretRedaction.Mask, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretRedaction.Mask + "=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumers_handler_that_quotes_the_key_as_base64_in_its_failure_never_puts_it_in_the_exception()
    {
        var handler = new FailingHandler(request => new HttpRequestException("proxy refused Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + Key))));
        using var client = new GptImageHubClient(new HttpClient(handler), new GptImageHubClientOptions { ApiKey = Key, BaseAddress = CannedAnswerHandler.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        AssertNoKey(ex.ToString(), Key);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
    }

    /// <summary>Texts that hold the key after 0, 1 and 2 bytes (mod 3) of something else, as a handler encodes them.</summary>
    public static TheoryData<string> LongerEncodedTexts() =>
    [
        "user:" + Key,
        "ab:" + Key,
        "a:" + Key,
        "Authorization: Bearer " + Key + "\r\nX-Request-Id: 42\r\n",
        "Host: api.example\r\nAuthorization: Bearer " + Key,
        "x" + Key + "y",
        "xy" + Key + "~~~~~~~~~~~~",
        "\u00e9" + Key,
    ];

    [Theory]
    [MemberData(nameof(LongerEncodedTexts))]
    public void A_key_inside_a_longer_base64_text_is_masked_wherever_it_starts(string encoded)
    {
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(encoded));
        foreach (var echo in new[] { b64, b64.TrimEnd('=').Replace('+', '-').Replace('/', '_') })
        {
            var text = "proxy saw: Basic " + echo + " (refused)";

            var masked = SecretRedaction.Redact(text, Key);

            Assert.Contains(SecretRedaction.Mask, masked, StringComparison.Ordinal);
            Assert.EndsWith(" (refused)", masked, StringComparison.Ordinal);
            AssertNoKeyBytes(masked, Key);
        }
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("Z2loX2xpdmVfVDNzdEszeU5ldmVyTGVha3MwMTIzNDU2Nzg5YWJj")]
    public void Base64_that_is_not_an_exact_form_of_the_key_is_left_as_it_is(string text)
    {
        // The second is the key's base64 cut short by a character: another string, not the key's encoding.
        Assert.Equal(text, SecretRedaction.Redact(text, Key));
    }

    [Fact]
    public void The_base64_of_a_short_key_is_not_masked_since_ordinary_text_holds_it()
    {
        var text = "see " + Convert.ToBase64String(Encoding.UTF8.GetBytes("test"));
        Assert.Equal(text, SecretRedaction.Redact(text, "test"));
    }

    internal static void AssertNoKey(string text, string key)
    {
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        foreach (var form in Encoded(key))
        {
            Assert.DoesNotContain(form, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// No twelve bytes of the key readable in <paramref name="text"/> as base64, in either alphabet, wherever they stood
    /// among the encoded bytes: every run of 16 characters that encodes them, at each of the three byte offsets, is absent.
    /// </summary>
    internal static void AssertNoKeyBytes(string text, string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        for (var skip = 0; skip < 3; skip++)
        {
            // Twelve bytes starting at each of the first three offsets of the key encode as 16 characters of their own.
            for (var from = skip; from + 12 <= bytes.Length; from += 3)
            {
                var window = Convert.ToBase64String(bytes, from, 12);
                Assert.DoesNotContain(window, text, StringComparison.Ordinal);
                Assert.DoesNotContain(window.Replace('+', '-').Replace('/', '_'), text, StringComparison.Ordinal);
            }
        }
    }

    private sealed class FailingHandler(Func<HttpRequestMessage, Exception> fail) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(fail(request));
    }
}
