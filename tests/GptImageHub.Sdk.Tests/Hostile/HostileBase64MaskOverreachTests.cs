using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The key's base64 was masked from where it starts to the end of the run of base64 characters around it. But '/' is
/// one of them, so an address that held the key's base64 (a proxy that takes the credential in its path) lost the rest
/// of its path with it: every message about a poll said <c>GET /t/[redacted] failed</c>, without the generation it was
/// about (promise 2). The mask now ends with the key: the one character that holds its last bits, and the padding.
/// </summary>
public sealed class HostileBase64MaskOverreachTests
{
    private const string Key = TestKeys.ApiKey;

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_polls_message_names_its_generation_when_the_base_address_holds_the_keys_base64()
    {
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var handler = new CannedAnswerHandler(_ => throw new HttpRequestException("connection reset"));
        using var client = handler.CreateClient(o => { o.MaxRetries = 0; o.BaseAddress = new Uri($"http://127.0.0.2:9/t/{b64}/"); });

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GetGenerationAsync("gen_probe123", T));

        Assert.Contains("/generations/gen_probe123 failed", ex.Message, StringComparison.Ordinal);
        HostileBase64KeyEchoTests.AssertNoKeyBytes(ex.ToString(), Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    public void The_key_is_masked_in_an_address_without_the_path_that_follows_it(string before)
    {
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(before + Key));
        foreach (var echo in new[] { b64, b64.TrimEnd('='), b64.TrimEnd('=').Replace('+', '-').Replace('/', '_') })
        {
            var masked = SecretRedaction.Redact("GET https://proxy.example/" + echo + "/api/v1/generations/gen_abc123 failed", Key);

            Assert.Contains(SecretRedaction.Mask, masked, StringComparison.Ordinal);
            Assert.EndsWith("/api/v1/generations/gen_abc123 failed", masked, StringComparison.Ordinal);
            HostileBase64KeyEchoTests.AssertNoKeyBytes(masked, Key);
        }
    }
}
