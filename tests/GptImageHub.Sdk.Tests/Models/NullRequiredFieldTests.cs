using System.Net;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Models;

/// <summary>
/// A required field that is missing or null (a generation's or an image's id, an image's url, a
/// model's id, a status, a balance's credits) makes the answer unreadable: the answer is an <see cref="InvalidResponseException"/>, and a
/// charged submit's says it was possibly charged and was sent once. It was read as a record with a
/// null <c>Id</c>, which the public type says cannot be, and a submit then failed on its first poll
/// with an <see cref="ArgumentNullException"/>.
/// </summary>
public sealed class NullRequiredFieldTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    public static TheoryData<string> SubmitAnswers() => new()
    {
        """{"object":"image_generation","id":null,"status":"queued","images":[]}""",
        """{"object":"image_generation","id":"g1","status":null,"images":[]}""",
        """{"object":"image_generation","id":"g1","status":"succeeded","images":[{"id":null,"url":"https://cdn.example.com/a.png"}]}""",
        """{"object":"image_generation","id":"g1","status":"succeeded","images":[{"id":"i1","url":null}]}""",
        """{"object":"image_generation","id":"g1","status":"succeeded","images":[],"balance":{"credits":null}}""",
        """{"object":"image_generation","status":"queued","images":[]}""",
        """{"object":"image_generation","id":"g1","images":[]}""",
        """{"object":"image_generation","id":"g1","status":"succeeded","images":[{"id":"i1"}]}""",
        """{"object":"image_generation","id":"g1","status":"succeeded","images":[{"url":"https://cdn.example.com/a.png"}]}""",
        """{"object":"image_generation","id":"g1","status":"succeeded","images":[],"balance":{}}""",
        """{"object":"image_generation","id":"g1","status":"queued","images":[],"id":null}""",
    };

    [Theory]
    [MemberData(nameof(SubmitAnswers))]
    public async Task A_submit_answer_with_a_null_required_field_is_invalid_and_possibly_charged(string answer)
    {
        var handler = new CannedHandler(HttpStatusCode.Accepted, answer);
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 3 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), T));

        Assert.True(ex.PossiblyCharged);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_model_with_a_null_id_makes_the_list_invalid()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """{"data":[{"id":"gpt-image-2"},{"id":null}]}""");
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.GetModelsAsync(T));

        Assert.Contains("ImageModel has no Id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_required_field_followed_by_a_duplicate_with_a_value_reads_the_value()
    {
        // The last of duplicated keys counts, for required fields as for any other (the reader checks
        // a required field once, after the object, as present and not null).
        var handler = new CannedHandler(HttpStatusCode.OK, """{"id":"g1","status":null,"images":[],"balance":{"credits":null,"credits":"7"},"status":"processing"}""");
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, MaxRetries = 0 });

        var generation = await client.GetGenerationAsync("g1", T);

        Assert.Equal(GenerationStatus.Processing, generation.Status);
        Assert.Equal(7, generation.Balance!.Credits);
    }

    private sealed class CannedHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
