using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A header block encoded as MIME and PEM write base64 (a line break every 76 characters,
/// <see cref="Base64FormattingOptions.InsertLineBreaks"/>): the break split the key's base64, no form matched either half,
/// and more than twelve of its bytes stayed readable on each side. The key is now found with the breaks left out.
/// </summary>
public sealed class HostileWrappedBase64KeyTests
{
    private const string Key = TestKeys.ApiKey;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(20)]
    [InlineData(40)]
    public void A_key_split_by_the_line_breaks_of_wrapped_base64_is_masked(int padding)
    {
        var block = "GET /x HTTP/1.1\r\nHost: proxy.example.com\r\nX-Forwarded-For: " + new string('1', padding) + "\r\nAuthorization: Bearer " + Key + "\r\n\r\n";
        var wrapped = Convert.ToBase64String(Encoding.UTF8.GetBytes(block), Base64FormattingOptions.InsertLineBreaks);

        var masked = SecretRedaction.Redact("proxy saw:\r\n" + wrapped + "\r\nend", Key);

        Assert.Contains(SecretRedaction.Mask, masked, StringComparison.Ordinal);
        Assert.EndsWith("\r\nend", masked, StringComparison.Ordinal);
        Assert.StartsWith("proxy saw:\r\nR0VU", masked, StringComparison.Ordinal);
        foreach (var line in masked.Split('\n'))
        {
            HostileBase64KeyEchoTests.AssertNoKeyBytes(line.TrimEnd('\r'), Key);
        }

        HostileBase64KeyEchoTests.AssertNoKeyBytes(masked.Replace("\r\n", string.Empty), Key);
    }
}
