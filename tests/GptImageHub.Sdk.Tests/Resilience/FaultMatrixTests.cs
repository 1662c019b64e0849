using System.Globalization;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// The fault matrix: every endpoint and answer kind (a target) against every way a hostile network or
/// server can break an answer (a fault): stalled or cut at the status line, inside the headers, at byte
/// 0 of the body, in its middle or one byte before its end, or answered whole with a hostile
/// <c>Retry-After</c>. The first two answers of the target are broken, later ones are clean, so a
/// retry or the next poll can mend what is safe to mend. Time runs on a <see cref="ScaledClock"/>:
/// a fake second lasts 100 ms, so a stall meets the 2.5 s <c>RequestTimeout</c> for real.
/// </summary>
/// <remarks>
/// 13 targets x 15 faults = 195 cells. Against the code before issue 15, 25 failed. 18: an error
/// body (HTTP 503) stalled at byte 0, in the middle or one byte before the end let a bare
/// <c>TaskCanceledException</c> escape, on models, credits, submit, get, download and a poll inside
/// a wait (which then stopped with no id). 4: <c>Retry-After</c> 0 or a past date on a poll (200
/// or 503) polled again after 7 to 11 ms. 2: a far future date parked the poll ten minutes, past
/// the wait's deadline. 1 (get 503 / cut one byte before the end) was the matrix's own cold start,
/// mended by <see cref="WarmUp"/>.
/// </remarks>
public sealed class FaultMatrixTests
{
    private const int Speed = 10;
    private const string Id = "g1";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan InitialInterval = TimeSpan.FromSeconds(1);

    // No cell takes more than a few real seconds; one that takes this long hangs.
    private static readonly TimeSpan CellBound = TimeSpan.FromSeconds(30);

    // The first cell would otherwise pay for compiling the client, the handler and the server within
    // its 100 ms timeouts, and see a timeout no network caused.
    private static readonly Lazy<Task> WarmUp = new(async () =>
    {
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST"
            ? Respond(202, SeedResponses.Generation(Id, "queued"))
            : request.Target.EndsWith("/models", StringComparison.Ordinal) ? Respond(200, SeedResponses.Models)
            : request.Target.EndsWith("/credits", StringComparison.Ordinal) ? Respond(200, """{"credits":5}""")
            : request.Target.Contains("/generations/", StringComparison.Ordinal) ? Respond(200, SeedResponses.Succeeded(Id))
            : Respond(200, ImageBytes));
        var clock = new ScaledClock(1);
        using var http = new HttpClient(new RecordingHandler(clock)) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = server.BaseAddress,
            TimeProvider = clock,
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(10), UseJitter = false },
        });
        await client.GetModelsAsync();
        await client.GetCreditsAsync();
        await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"));
        await client.DownloadImageAsync(GptImageHubModelFactory.GeneratedImage("img_1", new Uri(server.BaseAddress, "images/g1.png")), Stream.Null);
    });

    private static readonly Target[] Targets =
    [
        new("models 200", Endpoint.Models, Answer.Success),
        new("models 503", Endpoint.Models, Answer.Error),
        new("credits 200", Endpoint.Credits, Answer.Success),
        new("credits 503", Endpoint.Credits, Answer.Error),
        new("submit 200 (server wait)", Endpoint.Submit, Answer.Success, GenerationMode.ServerWait),
        new("submit 202", Endpoint.Submit, Answer.Queued),
        new("submit 503", Endpoint.Submit, Answer.Error),
        new("get 200", Endpoint.Generation, Answer.Success),
        new("get 503", Endpoint.Generation, Answer.Error),
        new("poll 200 processing", Endpoint.Generation, Answer.Processing),
        new("poll 503", Endpoint.Generation, Answer.Error, Polls: true),
        new("download 200", Endpoint.Download, Answer.Success),
        new("download 503", Endpoint.Download, Answer.Error),
    ];

    private static readonly Fault[] Faults =
    [
        .. from point in Enum.GetValues<FaultPoint>()
           from cut in new[] { false, true }
           select new Fault($"{(cut ? "cut" : "stall")} at {point}", point, cut, RetryAfter: null),
        .. from retryAfter in Enum.GetValues<RetryAfterForm>()
           select new Fault($"Retry-After {retryAfter}", Point: null, Cut: false, retryAfter),
    ];

    internal enum Endpoint
    {
        Models,
        Credits,
        Submit,
        Generation,
        Download,
    }

    internal enum Answer
    {
        Success,
        Error,
        Queued,
        Processing,
    }

    internal enum RetryAfterForm
    {
        Zero,
        Negative,
        PastDate,
        FarFutureDate,
        Garbage,
    }

    public static TheoryData<string, string> Cells()
    {
        var cells = new TheoryData<string, string>();
        foreach (var target in Targets)
        {
            foreach (var fault in Faults)
            {
                cells.Add(target.Name, fault.Name);
            }
        }

        return cells;
    }

    [Fact]
    public void The_matrix_has_every_target_against_every_fault() => Assert.Equal(13 * 15, Cells().Count);

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Every_fault_on_every_endpoint_ends_as_documented(string targetName, string faultName)
    {
        await WarmUp.Value;
        var target = Targets.Single(t => t.Name == targetName);
        var fault = Faults.Single(f => f.Name == faultName);
        var ct = TestContext.Current.CancellationToken;
        var clock = new ScaledClock(Speed);
        var answered = new Dictionary<Endpoint, int>();
        await using var server = new ScriptedHttpServer((request, _) =>
        {
            var endpoint = EndpointOf(request);
            int n;
            lock (answered)
            {
                answered[endpoint] = n = answered.GetValueOrDefault(endpoint) + 1;
            }

            var broken = endpoint == target.Endpoint && n <= 2;
            var (status, body) = broken ? AnswerOf(target, endpoint) : Clean(target, endpoint);
            return !broken ? Respond(status, body)
                : fault.Point is { } point ? ScriptedHttpServer.Fault(point, fault.Cut, status, body)
                : Respond(status, body, ("Retry-After", RetryAfterValue(fault.RetryAfter!.Value, clock)));
        });
        var recorder = new RecordingHandler(clock);
        using var http = new HttpClient(recorder) { Timeout = Timeout.InfiniteTimeSpan };
        // Only a stall needs the timeout to fire, and it must, for real: 250 ms. Every other cell gets four times as
        // long, so that a loaded machine that pauses the process cannot time out an answer the cell sends whole.
        // At 100 ms a stall cell failed in a full local run (credits 503 / stall at BodyStart): its first request
        // timed out before the server had read it, so the two broken answers went to the two retries; the cell
        // saw three sends and the server two requests. Two cells had failed alike before (get 503 / cut at
        // StatusLine in CI, poll 503 / Retry-After FarFutureDate beside a CI run).
        var timeout = fault is { Point: not null, Cut: false } ? RequestTimeout : RequestTimeout * 4;
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = server.BaseAddress,
            TimeProvider = clock,
            RequestTimeout = timeout,
            ServerWaitTimeout = timeout,
            GenerationMode = target.Mode,
            MaxRetries = 2,
            Polling = { InitialInterval = InitialInterval, MaxInterval = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(100), UseJitter = false },
        });

        var run = RunAsync(client, target, server.BaseAddress, ct);
        var finished = await Task.WhenAny(run, Task.Delay(CellBound, ct));
        Assert.True(finished == run, $"{targetName} / {faultName}: still running after {CellBound.TotalSeconds} s");
        Exception? error = null;
        try
        {
            await run;
        }
        catch (Exception ex)
        {
            // A cancelled task is not faulted: its exception is only seen by awaiting it.
            error = ex;
        }

        var problems = new List<string>();
        if (error is not null and not GptImageHubException and not ArgumentException)
        {
            // The caller's token is never cancelled here, so no cancellation may escape either.
            problems.Add($"{error.GetType().Name} escaped: {error.Message}");
        }

        var posts = server.Received.Count(r => r.Method == "POST");
        if (posts > 1)
        {
            problems.Add($"the POST was sent {posts} times");
        }

        if (target.Endpoint == Endpoint.Submit || target.Waits)
        {
            // The id is received once a submit answer arrived whole: always when the polls are the target.
            var idReceived = target.Waits || (fault.Point is null && target.Answer != Answer.Error);
            if (error is GptImageHubException ex)
            {
                if (idReceived && ex.GenerationId != Id)
                {
                    problems.Add($"the id was received but the exception does not carry it: {ex.GetType().Name}: {ex.Message}");
                }

                var possiblyCharged = ChargeClassifier.Classify(ex) == SubmitOutcome.PossiblyCharged;
                if (ex.GenerationId is null && !(possiblyCharged && ex.PossiblyCharged && ex.Message.Contains("possibly charged", StringComparison.Ordinal)))
                {
                    problems.Add($"the POST arrived but the exception does not say it was possibly charged: {ex.GetType().Name}: {ex.Message}");
                }
            }

            var sends = recorder.Sent.Where(s => s.Method == HttpMethod.Post || s.Uri.AbsolutePath.EndsWith("/generations/" + Id, StringComparison.Ordinal)).Select(s => s.At).ToArray();
            var gaps = sends.Zip(sends.Skip(1), (a, b) => b - a).ToArray();
            if (gaps.Any(g => g < InitialInterval))
            {
                problems.Add($"a poll followed the one before after {gaps.Min().TotalSeconds:0.###} s, under InitialInterval ({InitialInterval.TotalSeconds} s)");
            }
        }

        var mustSucceed = MustSucceed(target, fault);
        if (mustSucceed && error is not null && problems.Count == 0)
        {
            // The whole cause chain and what the server saw: a rare failure here under CI load (get 503 / cut at
            // StatusLine, its third attempt failing in transport) must say enough to be understood from one log.
            problems.Add($"should have been mended by a retry or the next poll, but ended with {Chain(error)}; the server received {server.Received.Count} requests on {server.Connections} connections");
        }

        if (!mustSucceed && error is null)
        {
            problems.Add("succeeded although the answer was broken");
        }

        Assert.True(
            problems.Count == 0,
            $"{targetName} / {faultName}: {string.Join("; ", problems)} (sent: {string.Join(", ", recorder.Sent.Select(s => $"{s.Method} {s.Uri.AbsolutePath} at {(s.At - clock.Start).TotalSeconds:0.###} s"))})");
    }

    private static string Chain(Exception error)
    {
        var causes = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            causes.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" <- ", causes);
    }

    /// <summary>
    /// What a caller should see succeed: a GET is retried through anything but a server that asks
    /// for a wait longer than the retry cap; a download through anything before its body; a wait
    /// through every transient poll failure; a submit only when its answer arrived whole.
    /// </summary>
    private static bool MustSucceed(Target target, Fault fault) => target.Endpoint switch
    {
        Endpoint.Submit => fault.Point is null && target.Answer != Answer.Error,
        Endpoint.Generation when target.Waits => true,
        Endpoint.Download when target.Answer == Answer.Success => fault.Point is null or FaultPoint.StatusLine or FaultPoint.Headers,
        _ => !(target.Answer == Answer.Error && fault.RetryAfter == RetryAfterForm.FarFutureDate),
    };

    private static async Task RunAsync(GptImageHubClient client, Target target, Uri baseAddress, CancellationToken ct)
    {
        var request = new ImageGenerationRequest("gpt-image-2", "a fox");
        switch (target.Endpoint)
        {
            case Endpoint.Models:
                Assert.NotEmpty(await client.GetModelsAsync(ct));
                break;
            case Endpoint.Credits:
                Assert.Equal(5, (await client.GetCreditsAsync(ct)).Credits);
                break;
            case Endpoint.Generation when !target.Waits:
                Assert.Equal(Id, (await client.GetGenerationAsync(Id, ct)).Id);
                break;
            case Endpoint.Download:
                using (var destination = new MemoryStream())
                {
                    await client.DownloadImageAsync(GptImageHubModelFactory.GeneratedImage("img_1", new Uri(baseAddress, "images/g1.png")), destination, ct);
                    Assert.Equal(ImageBytes, System.Text.Encoding.ASCII.GetString(destination.ToArray()));
                }

                break;
            default:
                Assert.Equal(GenerationStatus.Succeeded, (await client.GenerateImageAsync(request, ct)).Status);
                break;
        }
    }

    private static Endpoint EndpointOf(ReceivedRequest request) => request.Target switch
    {
        _ when request.Method == "POST" => Endpoint.Submit,
        var t when t.EndsWith("/models", StringComparison.Ordinal) => Endpoint.Models,
        var t when t.EndsWith("/credits", StringComparison.Ordinal) => Endpoint.Credits,
        var t when t.Contains("/generations/", StringComparison.Ordinal) => Endpoint.Generation,
        _ => Endpoint.Download,
    };

    private const string ImageBytes = "not really a PNG, but 64 bytes of an image body for the matrix..";

    private const string ErrorBody = """{"error":{"message":"The service is busy","code":"serviceUnavailable"}}""";

    private static (int Status, string Body) Clean(Target target, Endpoint endpoint) => endpoint switch
    {
        Endpoint.Models => (200, SeedResponses.Models),
        Endpoint.Credits => (200, """{"credits":5,"account_type":"PRO"}"""),
        Endpoint.Submit when target.Mode == GenerationMode.ServerWait => (200, SeedResponses.Succeeded(Id)),
        Endpoint.Submit => (202, SeedResponses.Generation(Id, "queued")),
        Endpoint.Generation => (200, SeedResponses.Succeeded(Id)),
        _ => (200, ImageBytes),
    };

    private static (int Status, string Body) AnswerOf(Target target, Endpoint endpoint) => target.Answer switch
    {
        Answer.Error => (503, ErrorBody),
        Answer.Processing => (200, SeedResponses.Generation(Id, "processing")),
        _ => Clean(target, endpoint),
    };

    private static string RetryAfterValue(RetryAfterForm form, ScaledClock clock) => form switch
    {
        RetryAfterForm.Zero => "0",
        RetryAfterForm.Negative => "-5",

        // A server clock 30 s behind the client's.
        RetryAfterForm.PastDate => clock.GetUtcNow().AddSeconds(-30).ToString("R", CultureInfo.InvariantCulture),
        RetryAfterForm.FarFutureDate => clock.GetUtcNow().AddYears(10).ToString("R", CultureInfo.InvariantCulture),
        _ => "soon, maybe",
    };

    /// <summary>An endpoint and the answer kind it is broken on; <see cref="Waits"/> when the broken answers are polls of a wait.</summary>
    internal sealed record Target(string Name, Endpoint Endpoint, Answer Answer, GenerationMode Mode = GenerationMode.Polling, bool Polls = false)
    {
        public bool Waits => Polls || Answer == Answer.Processing;
    }

    internal sealed record Fault(string Name, FaultPoint? Point, bool Cut, RetryAfterForm? RetryAfter);
}
