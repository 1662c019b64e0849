using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace GptImageHub.Sdk.Tests.Polling;

/// <summary>A WireMock service, a stepping fake clock, and a client that records when it sent what.</summary>
internal sealed class PollingHarness : IDisposable
{
    private readonly HttpClient _httpClient;

    public PollingHarness(Action<GptImageHubClientOptions>? configure = null)
    {
        Server = WireMockServer.Start();
        Clock = new SteppingClock();
        Recorder = new RecordingHandler(Clock);
        _httpClient = new HttpClient(Recorder) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = Server.BaseUri(),
            TimeProvider = Clock,
            MaxRetries = 0,
            Polling = { UseJitter = false },
        };
        configure?.Invoke(options);
        Client = new GptImageHubClient(_httpClient, options);
    }

    public WireMockServer Server { get; }

    public SteppingClock Clock { get; }

    public RecordingHandler Recorder { get; }

    public GptImageHubClient Client { get; }

    public static ImageGenerationRequest SampleRequest => new("gpt-image-2", "a fox") { N = 1 };

    public int Polls => Recorder.Sent.Count(r => r.Method == HttpMethod.Get);

    public int Posts => Recorder.Sent.Count(r => r.Method == HttpMethod.Post);

    /// <summary>Fake seconds since the start at which each GET was sent.</summary>
    public double[] PollTimes => Recorder.Sent.Where(r => r.Method == HttpMethod.Get).Select(r => (r.At - Clock.Start).TotalSeconds).ToArray();

    public void StubSubmit(string id = "g1", int status = 202, string? body = null) =>
        Server.StubJson("POST", "/api/v1/images/generations", status, body ?? SeedResponses.Generation(id, "queued"));

    /// <summary>Answers polls of <paramref name="id"/> with the responses in order; the last one repeats.</summary>
    public void StubPolls(string id, params ResponseMessage[] responses)
    {
        var count = 0;
        Server.Given(Request.Create().WithPath("/api/v1/generations/" + id).UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => responses[Math.Min(Interlocked.Increment(ref count) - 1, responses.Length - 1)]));
    }

    /// <summary>Answers polls with whatever <paramref name="answer"/> says for the current fake time.</summary>
    public void StubPolls(string id, Func<TimeSpan, ResponseMessage> answer) =>
        Server.Given(Request.Create().WithPath("/api/v1/generations/" + id).UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => answer(Clock.Elapsed)));

    public static ResponseMessage Json(int status, string body, params (string Name, string Value)[] headers)
    {
        var all = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") };
        foreach (var (name, value) in headers)
        {
            all[name] = new WireMockList<string>(value);
        }

        return new ResponseMessage
        {
            StatusCode = status,
            Headers = all,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
        };
    }

    public static ResponseMessage Status(string id, string status, string? extra = null) => Json(200, SeedResponses.Generation(id, status, extra));

    public void Dispose()
    {
        Client.Dispose();
        _httpClient.Dispose();
        Server.Stop();
    }
}
