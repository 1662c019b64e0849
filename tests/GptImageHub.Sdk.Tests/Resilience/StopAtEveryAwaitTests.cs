using System.Collections.Concurrent;
using System.Net;
using System.Text;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// Cancels the caller's token, or disposes the client, at every await point of
/// <c>GenerateImageAsync</c> and <c>WaitForCompletionAsync</c>: while each HTTP call is in flight,
/// just after each answer arrived, and during each delay between polls. Each stop ends with the
/// documented exception, carries the paid id once it was known, sends nothing more, and leaves no
/// unobserved task exception behind.
/// </summary>
public sealed class StopAtEveryAwaitTests
{
    private const string Id = "g1";

    // GenerateImageAsync with both cost guards: GET models, GET credits, the POST, then three polls.
    private const int GenerateCalls = 6;
    private const int SubmitCall = 3;
    private const int WaitCalls = 3;
    private const int Delays = 3;

    public enum StopKind
    {
        Cancel,
        Dispose,
    }

    public enum Moment
    {
        DuringCall,
        AfterAnswer,
        InDelay,
    }

    public static TheoryData<string, StopKind, Moment, int> Points()
    {
        var data = new TheoryData<string, StopKind, Moment, int>();
        foreach (var stop in Enum.GetValues<StopKind>())
        {
            foreach (var (operation, calls) in new[] { ("generate", GenerateCalls), ("wait", WaitCalls) })
            {
                for (var n = 1; n <= calls; n++)
                {
                    data.Add(operation, stop, Moment.DuringCall, n);
                    data.Add(operation, stop, Moment.AfterAnswer, n);
                }

                for (var n = 1; n <= Delays; n++)
                {
                    data.Add(operation, stop, Moment.InDelay, n);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_stop_at_any_await_ends_with_the_documented_exception_and_the_paid_id_once_known(string operation, StopKind stop, Moment moment, int n)
    {
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> watch = (_, e) =>
        {
            if (e.Exception.ToString().Contains("GptImageHub.Sdk.", StringComparison.Ordinal))
            {
                unobserved.Enqueue(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += watch;
        try
        {
            await RunAsync(operation, stop, moment, n);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= watch;
        }

        Assert.Empty(unobserved);
    }

    private static async Task RunAsync(string operation, StopKind stop, Moment moment, int n)
    {
        var clock = new SteppingClock();
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var service = new FakeService();
        using var http = new HttpClient(service) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new GptImageHubClient(http, new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = new Uri("https://api.test/"),
            TimeProvider = clock,
            MaxRetries = 0,
            MaxCreditsPerRequest = 100,
            CheckBalanceBeforeSubmit = true,
            Polling = { UseJitter = false },
        });
        void StopNow()
        {
            if (stop == StopKind.Cancel)
            {
                caller.Cancel();
            }
            else
            {
                client.Dispose();
            }
        }

        var request = new ImageGenerationRequest("gpt-image-2", "a fox");
        GenerationOperation? started = null;
        if (operation == "wait")
        {
            started = await client.StartImageGenerationAsync(request, caller.Token);
            service.Calls = 0;
        }

        if (moment != Moment.InDelay)
        {
            service.StopAt = (n, moment == Moment.AfterAnswer, StopNow);
        }

        var run = started is null ? client.GenerateImageAsync(request, caller.Token) : started.WaitForCompletionAsync(cancellationToken: caller.Token);
        var delays = 0;
        var callsBeforeStop = -1;
        while (!run.IsCompleted)
        {
            if (await clock.NextDelayOrEndAsync(run) is not { } due)
            {
                break;
            }

            if (moment == Moment.InDelay && ++delays == n)
            {
                callsBeforeStop = service.Calls;
                StopNow();
                continue;
            }

            clock.Fake.Advance(due);
        }

        var point = $"{operation}, {stop} {moment} {n}";
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => run);

        // Once the caller asked to stop, nothing more goes out.
        Assert.True(service.Calls == (moment == Moment.InDelay ? callsBeforeStop : n), $"{point}: {service.Calls} calls");

        // Whether the SDK had read the paid id: in a wait always; in GenerateImageAsync once the POST's answer was read.
        var idKnown = operation == "wait" || moment == Moment.InDelay || n > SubmitCall;
        var idMaybeKnown = operation == "generate" && n == SubmitCall && moment == Moment.AfterAnswer;
        if (stop == StopKind.Cancel)
        {
            var canceled = Assert.IsAssignableFrom<OperationCanceledException>(ex);
            if (idKnown || (idMaybeKnown && canceled is GenerationCanceledException))
            {
                var named = Assert.IsType<GenerationCanceledException>(canceled);
                Assert.True(named.GenerationId == Id, $"{point}: {named.GenerationId}");
            }
        }
        else
        {
            var disposed = Assert.IsType<ClientDisposedException>(ex);
            Assert.DoesNotContain("timed out", disposed.Message, StringComparison.Ordinal);
            if (idKnown || (idMaybeKnown && disposed.GenerationId is not null))
            {
                Assert.True(disposed.GenerationId == Id, $"{point}: {disposed.Message}");
                Assert.False(disposed.PossiblyCharged, point);
                Assert.Contains($"WaitForGenerationAsync(\"{Id}\")", disposed.Message, StringComparison.Ordinal);
            }
            else if (operation == "generate" && n >= SubmitCall)
            {
                // Stopped while the POST was out: it may have been charged, and says so.
                Assert.True(disposed.PossiblyCharged, point);
                Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(disposed));
                Assert.Contains("possibly charged", disposed.Message, StringComparison.Ordinal);
            }
            else
            {
                // Stopped in a cost guard's GET, before the POST.
                Assert.False(disposed.PossiblyCharged, point);
                Assert.DoesNotContain("possibly charged", disposed.Message, StringComparison.Ordinal);
            }

            // A call made after Dispose is refused before anything is sent.
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetCreditsAsync(TestContext.Current.CancellationToken));
        }

        client.Dispose();
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("poll")]
    public async Task Disposing_a_client_that_owns_its_connections_mid_call_names_the_disposal_and_the_job(string stalled)
    {
        await using var server = new ScriptedHttpServer((request, _) => request.Method == "POST" && stalled == "poll"
            ? ScriptedHttpServer.Respond(202, SeedResponses.Generation(Id, "queued"))
            : ScriptedHttpServer.Hang());
        var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = TestKeys.ApiKey,
            BaseAddress = server.BaseAddress,
            Polling = { InitialInterval = TimeSpan.FromMilliseconds(10) },
        });
        var run = client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a fox"), TestContext.Current.CancellationToken);
        while (server.Received.Count < (stalled == "poll" ? 2 : 1))
        {
            await server.Arrivals.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        client.Dispose();

        var ex = await Assert.ThrowsAsync<ClientDisposedException>(() => run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.DoesNotContain("timed out", ex.Message, StringComparison.Ordinal);
        if (stalled == "POST")
        {
            Assert.Null(ex.GenerationId);
            Assert.True(ex.PossiblyCharged);
            Assert.StartsWith("POST /api/v1/images/generations was stopped because the GptImageHubClient was disposed. The request was possibly charged", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(Id, ex.GenerationId);
            Assert.False(ex.PossiblyCharged);
            Assert.Contains("resume it with WaitForGenerationAsync(\"g1\")", ex.Message, StringComparison.Ordinal);
        }

        Assert.Single(server.Received, r => r.Method == "POST");
    }

    /// <summary>Answers as the service would (a job that is queued, processing, then succeeded), and stops the test's caller at the chosen call.</summary>
    private sealed class FakeService : HttpMessageHandler
    {
        private int _polls;

        public int Calls;

        public (int Call, bool AfterAnswer, Action Stop)? StopAt { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref Calls);
            if (StopAt is { AfterAnswer: false } during && during.Call == n)
            {
                during.Stop();
                await Task.Yield();

                // The call's own token must have been cancelled by the stop: a real send would end here.
                cancellationToken.ThrowIfCancellationRequested();
            }

            var path = request.RequestUri!.AbsolutePath;
            var (status, body) = path switch
            {
                "/api/v1/models" => (200, SeedResponses.Models),
                "/api/v1/credits" => (200, """{"credits":100}"""),
                "/api/v1/images/generations" => (202, SeedResponses.Generation(Id, "queued")),
                _ => Interlocked.Increment(ref _polls) switch
                {
                    1 => (200, SeedResponses.Generation(Id, "queued")),
                    2 => (200, SeedResponses.Generation(Id, "processing")),
                    _ => (200, SeedResponses.Succeeded(Id)),
                },
            };
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request };
            if (StopAt is { AfterAnswer: true } after && after.Call == n)
            {
                after.Stop();
            }

            return response;
        }
    }
}
