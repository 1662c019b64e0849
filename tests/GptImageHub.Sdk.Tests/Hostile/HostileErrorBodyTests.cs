using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Error bodies read by the pooled reader: one that stalls ends with the call's timeout naming the
/// status, a charged submit's is never taken for a refusal unless it was read whole, and a key the
/// server echoes is masked wherever it lands in the message: in the error's code (which was put in
/// the message verbatim), or across the 200-character excerpt's cut (which was masked only after
/// cutting, leaving the start of a key that is not shaped like a GPT Image Hub key).
/// </summary>
public sealed class HostileErrorBodyTests
{
    private const string OtherShapedKey = "sk-Sh4pedOtherw1se-0123456789abcdefXYZ";

    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<string> Keys => [TestKeys.ApiKey, OtherShapedKey];

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_key_echoed_as_the_error_code_is_masked_in_the_message(string key)
    {
        var body = $$$"""{"error":{"message":"bad key","code":"{{{key}}}"}}""";
        using var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(400, Json(body)));
        using var client = handler.CreateClient(o => o.ApiKey = key);

        var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(T));

        Assert.DoesNotContain(key, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.ErrorCode ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("bad key (HTTP 400 [redacted])", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_key_across_the_excerpts_cut_leaves_none_of_itself_in_the_message(string key)
    {
        for (var before = 180; before < 200; before++)
        {
            var body = new string('x', before) + key + " trailing";
            using var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(503, new StringContent(body, Encoding.UTF8, "text/plain")));
            using var client = handler.CreateClient(o => { o.ApiKey = key; o.MaxRetries = 0; });

            var ex = await Assert.ThrowsAsync<ServiceException>(() => client.GetCreditsAsync(T));

            Assert.DoesNotContain(key[..6], ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(402, true)]
    [InlineData(402, false)]
    [InlineData(500, true)]
    [InlineData(429, false)]
    public async Task An_error_body_that_stalls_ends_with_the_timeout_naming_its_status(int status, bool submit)
    {
        using var handler = new CannedAnswerHandler(_ =>
        {
            var content = new StreamContent(new PrefixThenStream("""{"error":{"code":"insufficientCredits","mess"""));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return CannedAnswerHandler.Answer(status, content);
        });
        using var client = handler.CreateClient(o => { o.MaxRetries = 0; o.RequestTimeout = TimeSpan.FromMilliseconds(200); });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => submit
            ? client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T)
            : client.GetCreditsAsync(T)).WaitAsync(TimeSpan.FromSeconds(5), T);

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"reading the body of its HTTP {status} answer"), ex.Message, StringComparison.Ordinal);
        Assert.Equal(submit, ex.PossiblyCharged);
        if (submit)
        {
            Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
            Assert.Equal(1, handler.Posts);
        }
    }

    [Theory]
    [InlineData("cut", false)]
    [InlineData("over the cap", false)]
    [InlineData("one byte at a time", true)]
    [InlineData("byte order mark", true)]
    [InlineData("invalid UTF-8 in the message", true)]
    public async Task A_documented_refusal_is_trusted_only_when_its_body_was_read_whole(string shape, bool refused)
    {
        const string refusal = """{"error":{"message":"Not enough credits","code":"insufficientCredits"}}""";
        using var handler = new CannedAnswerHandler(_ =>
        {
            HttpContent content = shape switch
            {
                "cut" => new StreamContent(new PrefixThenStream(refusal[..40], new IOException("The connection was reset."))),
                "over the cap" => new StringContent(refusal[..^1] + ",\"pad\":\"" + new string('x', ErrorMapper.MaxErrorBodyBytes) + "\"}", Encoding.UTF8),
                "one byte at a time" => new StreamContent(new CountingBodyStream(refusal, length: Encoding.UTF8.GetByteCount(refusal), chunk: 1)),
                "byte order mark" => new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(refusal)]),
                _ => new ByteArrayContent([.. Encoding.UTF8.GetBytes(refusal[..21]), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(refusal[21..])]),
            };
            return CannedAnswerHandler.Answer(402, content);
        });
        using var client = handler.CreateClient();

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.Equal(refused ? SubmitOutcome.Refused : SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(!refused, ex.PossiblyCharged);
        Assert.Equal(HttpStatusCode.PaymentRequired, ex.StatusCode);
        Assert.Equal(1, handler.Posts);
    }

    [Theory]
    [InlineData(10L)]
    [InlineData(null)]
    [InlineData(long.MaxValue)]
    public async Task An_endless_error_body_is_read_to_its_cap_and_one_byte_whatever_length_it_declares(long? declared)
    {
        var body = new CountingBodyStream("""{"error":{"message":"Not enough credits","code":"insufficientCredits"},"pad":" """, filler: (byte)'x', chunk: 4096);
        using var handler = new CannedAnswerHandler(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = declared;
            return CannedAnswerHandler.Answer(402, content);
        });
        using var client = handler.CreateClient();

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T)).WaitAsync(TimeSpan.FromSeconds(5), T);

        Assert.InRange(body.Served, ErrorMapper.MaxErrorBodyBytes, ErrorMapper.MaxErrorBodyBytes + 1);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(1, handler.Posts);
    }

    [Fact]
    public async Task A_refusal_whose_compressed_body_turns_corrupt_is_possibly_charged_and_sent_once()
    {
        // The handler's inflater throws InvalidDataException (no IOException) part-way through the body.
        const string refusal = """{"error":{"message":"Not enough credits","code":"insufficientCredits"}}""";
        using var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(402, new StreamContent(new PrefixThenStream(refusal[..40], new InvalidDataException("The archive entry was compressed using an unsupported compression method.")))));
        using var client = handler.CreateClient();

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.True(ex.PossiblyCharged);
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.Equal(1, handler.Posts);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
