using System.Net.Http.Headers;
using System.Text;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// Attacks on the shared /models fetch with stops: many callers, each with its own token, some
/// cancelled while fetches fail, succeed or are cancelled by their owners; and two clients on one
/// core (as DI scopes share one) where the owner's client is disposed or its caller cancels. No
/// caller may get a cancellation naming a token other than its own, none may hang, the fetches
/// stay one per owner at most, and no failure goes unobserved.
/// </summary>
public sealed class HostileModelCacheStopTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Callers_stopped_at_random_get_only_their_own_cancellation_and_never_a_tight_loop(int seed)
    {
        var marker = "model-cache-stress-" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var unobserved = 0;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.ToString().Contains(marker, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref unobserved);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var (read, cancelled, failed, fetches) = await RunRoundsAsync(seed, marker);

            // Every outcome happened, so owners and joiners were stopped amid failures and answers;
            // and no more fetches than callers: a stopped fetch is followed by one, not by a loop.
            Assert.True(read > 0 && cancelled > 0 && failed > 0, $"read {read}, cancelled {cancelled}, failed {failed}");
            Assert.InRange(fetches, 1, read + cancelled + failed);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.Equal(0, Volatile.Read(ref unobserved));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    /// <summary>
    /// Rounds of callers on a stale cache. Each fetch, when it starts, is told by the seed what
    /// happens: its owner cancels, it fails, or it answers; before that some waiting joiners cancel.
    /// The decisions are the seed's, whichever caller the scheduler made the owner.
    /// </summary>
    private static async Task<(int Read, int Cancelled, int Failed, int Fetches)> RunRoundsAsync(int seed, string marker)
    {
        var random = new Random(seed);
        var cache = new ModelCache(new FakeTimeProvider(), TimeSpan.FromMinutes(5));
        IReadOnlyList<ImageModel> list = [new ImageModel { Id = "gpt-image-2" }];
        var started = new System.Collections.Concurrent.ConcurrentQueue<(CancellationToken Token, TaskCompletionSource<bool> Release)>();
        var fetches = 0;

        async Task<IReadOnlyList<ImageModel>> Fetch(CancellationToken token)
        {
            // Never stored, so every round finds the cache stale.
            Interlocked.Increment(ref fetches);
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            started.Enqueue((token, release));
            return await release.Task.WaitAsync(token) ? list : throw new ServiceException(marker);
        }

        var (read, cancelled, failed) = (0, 0, 0);
        for (var round = 0; round < 12; round++)
        {
            var stops = Enumerable.Range(0, 6).Select(_ => CancellationTokenSource.CreateLinkedTokenSource(T)).ToArray();
            var callers = stops.Select(stop => cache.GetAsync(Fetch, stop.Token)).ToArray();
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (!callers.All(caller => caller.IsCompleted))
            {
                Assert.True(DateTime.UtcNow < deadline, "a caller hangs");
                if (!started.TryDequeue(out var fetch))
                {
                    await Task.Delay(1, T);
                    continue;
                }

                for (var i = 0; i < stops.Length; i++)
                {
                    if (stops[i].Token != fetch.Token && !callers[i].IsCompleted && random.Next(5) == 0)
                    {
                        await stops[i].CancelAsync();
                    }
                }

                switch (random.Next(3))
                {
                    case 0:
                        await stops.Single(stop => stop.Token == fetch.Token).CancelAsync();
                        break;
                    case 1:
                        fetch.Release.SetResult(false);
                        break;
                    default:
                        fetch.Release.SetResult(true);
                        break;
                }
            }

            for (var i = 0; i < callers.Length; i++)
            {
                try
                {
                    Assert.Same(list, await callers[i]);
                    read++;
                }
                catch (OperationCanceledException ex)
                {
                    Assert.True(stops[i].IsCancellationRequested, $"caller {i} was cancelled without being stopped: {ex}");
                    Assert.Equal(stops[i].Token, ex.CancellationToken);
                    cancelled++;
                }
                catch (ServiceException ex)
                {
                    Assert.Equal(marker, ex.Message);
                    failed++;
                }

                stops[i].Dispose();
            }
        }

        return (read, cancelled, failed, fetches);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_sharing_the_cache_gets_the_models_after_the_owners_client_is_disposed_or_its_caller_cancels(bool dispose)
    {
        var core = new ClientCore(ClientSettings.Create(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = CannedAnswerHandler.BaseAddress, MaxRetries = 0 }), loggerFactory: null);
        var ownerAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ownerRequests = 0;
        var joinerRequests = 0;
        using var ownerHttp = new HttpClient(new StallingModels(() => { Interlocked.Increment(ref ownerRequests); ownerAsked.TrySetResult(); }));
        using var joinerHttp = new HttpClient(new CannedAnswerHandler(_ =>
        {
            Interlocked.Increment(ref joinerRequests);
            return CannedAnswerHandler.Answer(200, new StringContent(SeedResponses.Models, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        }));
        var owner = new GptImageHubClient(ownerHttp, core);
        using var joiner = new GptImageHubClient(joinerHttp, core);
        using var ownerStop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var request = new ImageGenerationRequest("gpt-image-2", "a fox");

        var owned = owner.EstimateCreditsAsync(request, ownerStop.Token);
        await ownerAsked.Task.WaitAsync(TimeSpan.FromSeconds(5), T);
        var joined = joiner.EstimateCreditsAsync(request, T);
        if (dispose)
        {
            owner.Dispose();
        }
        else
        {
            await ownerStop.CancelAsync();
        }

        var ownerFailure = await Assert.ThrowsAnyAsync<Exception>(() => owned.WaitAsync(TimeSpan.FromSeconds(5), T));
        var estimate = await joined.WaitAsync(TimeSpan.FromSeconds(5), T);

        Assert.True(dispose ? ownerFailure is ClientDisposedException : ownerFailure is OperationCanceledException { } c && c.CancellationToken == ownerStop.Token, ownerFailure.ToString());
        Assert.NotNull(estimate.Credits);
        Assert.Equal(1, ownerRequests);
        Assert.Equal(1, joinerRequests);
        owner.Dispose();
    }

    /// <summary>Answers nothing to /models until the request is cancelled.</summary>
    private sealed class StallingModels(Action asked) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            asked();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
