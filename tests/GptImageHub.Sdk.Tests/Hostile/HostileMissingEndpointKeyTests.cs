using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A 404 on a path that always exists (models, credits, submit) gets a note naming the base address, so a newcomer sees
/// it is not the service's root. A gateway that takes the key as a path segment (<c>https://proxy/KEY/</c>) is a base
/// address the client accepts, and the note printed it whole: the key in the exception's message, its ToString, every
/// log of it and a batch journal. The note names the address as the options' ToString does, the key masked.
/// </summary>
public sealed class HostileMissingEndpointKeyTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<string> Keys() => [TestKeys.ApiKey, "proxy-Secret-0123456789ABCDEF"];

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_404_note_never_quotes_a_key_in_the_base_address_path(string key)
    {
        var handler = new CannedAnswerHandler(_ => CannedAnswerHandler.Answer(404, new StringContent("{\"error\":{\"code\":\"notFound\",\"message\":\"Not found\"}}")));
        var address = new Uri(CannedAnswerHandler.BaseAddress, "/" + key + "/");
        using var client = handler.CreateClient(o =>
        {
            o.ApiKey = key;
            o.BaseAddress = address;
            o.MaxRetries = 0;
        });

        var credits = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GetCreditsAsync(T));
        var submit = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        foreach (var ex in new[] { credits, submit })
        {
            Assert.DoesNotContain(key, ex.ToString(), StringComparison.Ordinal);
            Assert.Contains("base address", ex.Message, StringComparison.Ordinal);
            Assert.Contains(SecretRedaction.Mask, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_transport_failure_never_quotes_a_key_in_the_base_address_path(string key)
    {
        var handler = new CannedAnswerHandler(_ => throw new HttpRequestException("connection reset"));
        using var client = handler.CreateClient(o =>
        {
            o.ApiKey = key;
            o.BaseAddress = new Uri(CannedAnswerHandler.BaseAddress, "/" + key + "/");
            o.MaxRetries = 0;
        });

        var ex = await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.GetCreditsAsync(T));

        Assert.DoesNotContain(key, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("/api/v1/credits", ex.Message, StringComparison.Ordinal);
    }
}
