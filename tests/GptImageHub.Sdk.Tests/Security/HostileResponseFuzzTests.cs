using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Security;

/// <summary>
/// Feeds generated and mutated answers (statuses, headers and bodies) through every endpoint. The
/// only exceptions allowed to reach a caller are the <see cref="GptImageHubException"/> family.
/// </summary>
public sealed class HostileResponseFuzzTests
{
    private const int Seed = 20261126;
    private const int CasesPerEndpoint = 2_000;

    private static readonly string[] Seeds =
    [
        SeedResponses.SyncSucceeded, SeedResponses.AsyncQueued, SeedResponses.Error, SeedResponses.Models,
        """{"credits":112,"account_type":"PRO","next_expiration":null}""", """[{"id":"a","credits_per_image":1}]""",
    ];

    private static readonly string[] SwappedValues = ["null", "[]", "{}", "true", "0", "\"\"", "\"x\"", "[1,{\"a\":null}]"];

    private static readonly string[] ContentTypes = ["application/json", "text/html", "text/plain; charset=utf-16", "application/octet-stream", "", "application/json; charset=latin1"];

    private static readonly Func<GptImageHubClient, Task>[] Endpoints =
    [
        c => c.GetModelsAsync(TestContext.Current.CancellationToken),
        c => c.GetCreditsAsync(TestContext.Current.CancellationToken),
        c => c.GetGenerationAsync("g1", TestContext.Current.CancellationToken),
        c => c.StartImageGenerationAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken),
        c => c.ResumeGenerationAsync("g1", TestContext.Current.CancellationToken),
        c => c.DownloadImageAsync(GptImageHubModelFactory.GeneratedImage("i", new Uri("https://cdn.example/i.png")), Stream.Null, TestContext.Current.CancellationToken),
    ];

    [Fact]
    public async Task Only_GptImageHubExceptions_escape_whatever_the_service_answers()
    {
        var random = new Random(Seed);
        var handler = new CannedHandler();
        using var http = new HttpClient(handler);
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("https://api.example/"), MaxRetries = 0, MaxResponseBytes = 256 * 1024 });
        var cases = 0;
        var outcomes = new Dictionary<string, int>();

        foreach (var endpoint in Endpoints)
        {
            for (var i = 0; i < CasesPerEndpoint; i++)
            {
                handler.Next = NextAnswer(random);
                var outcome = "ok";
                try
                {
                    await endpoint(client);
                }
                catch (GptImageHubException ex)
                {
                    outcome = ex.GetType().Name;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"Case {cases} ({handler.Next.Description}) let {ex.GetType().Name} escape: {ex}");
                }

                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                cases++;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{cases} cases: " + string.Join(", ", outcomes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        Assert.Equal(12_000, cases);
        Assert.True(outcomes.Count >= 5, "the generator should provoke many kinds of answer");
    }

    private static Answer NextAnswer(Random random)
    {
        var status = random.Next(10) switch
        {
            < 5 => random.Next(2) == 0 ? 200 : 202,
            5 => random.Next(100, 600),
            6 => new[] { 400, 401, 402, 404, 429, 500, 502, 503, 504 }[random.Next(9)],
            _ => 200,
        };
        var (body, description) = NextBody(random);
        var headers = new List<(string, string)>();
        if (random.Next(4) == 0)
        {
            headers.Add(("Retry-After", new[] { "5", "-1", "abc", "99999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "" }[random.Next(6)]));
        }

        return new Answer((HttpStatusCode)status, body, ContentTypes[random.Next(ContentTypes.Length)], headers, $"{status} {description}");
    }

    private static (byte[] Body, string Description) NextBody(Random random)
    {
        var seed = Seeds[random.Next(Seeds.Length)];
        var bytes = Encoding.UTF8.GetBytes(seed);
        switch (random.Next(9))
        {
            case 0:
                return (bytes[..random.Next(bytes.Length)], "truncated");
            case 1:
                for (var i = 0; i < 1 + random.Next(8); i++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return (bytes, "bytes flipped");
            case 2:
                return (Encoding.UTF8.GetBytes(JsonMutations.ReplaceAValue(seed, SwappedValues[random.Next(SwappedValues.Length)], random)), "type swapped");
            case 3:
                return (Encoding.UTF8.GetBytes(seed.Replace("8", new[] { "1e400", "99999999999999999999999", "-1", "8.5", "NaN", "\"8\"" }[random.Next(6)], StringComparison.Ordinal)), "odd number");
            case 4:
                var depth = random.Next(60, 5000);
                return (Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)), "deep nesting");
            case 5:
                return ([.. bytes[..(bytes.Length / 2)], 0xC3, 0x28, 0xFF, .. bytes[(bytes.Length / 2)..]], "invalid UTF-8");
            case 6:
                var noise = new byte[random.Next(0, 512)];
                random.NextBytes(noise);
                return (noise, "noise");
            case 7:
                return (Encoding.UTF8.GetBytes(seed.Replace("\"id\"", "\"ID\"", StringComparison.Ordinal).Replace("\"status\"", random.Next(2) == 0 ? "\"status\"" : "\"state\"", StringComparison.Ordinal)), "renamed fields");
            default:
                return (bytes, "seed");
        }
    }

    private sealed record Answer(HttpStatusCode Status, byte[] Body, string ContentType, List<(string Name, string Value)> Headers, string Description);

    private sealed class CannedHandler : HttpMessageHandler
    {
        public Answer Next { get; set; } = null!;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Next.Body);
            if (Next.ContentType.Length > 0)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(Next.ContentType);
            }

            var response = new HttpResponseMessage(Next.Status) { Content = content, RequestMessage = request };
            foreach (var (name, value) in Next.Headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        }
    }
}
