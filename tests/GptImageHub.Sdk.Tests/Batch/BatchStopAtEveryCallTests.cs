using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Batch;

/// <summary>
/// A batch stopped at each of its HTTP calls in turn (the caller's token cancelled as the Nth call goes
/// out, N = 1 to all), or its client disposed there: every generation the emulator charged comes back
/// to the caller with its id, nothing escapes but the documented exceptions, no task fault goes
/// unobserved, and a rerun with the journal posts no key a second time.
/// </summary>
public sealed class BatchStopAtEveryCallTests : IAsyncLifetime
{
    private const int ItemCount = 3;
    private GptImageHubEmulator _hub = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("gih-batch-stop-").FullName;

    public async ValueTask InitializeAsync() =>
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { ProcessingDelay = TimeSpan.FromMilliseconds(60) }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public static TheoryData<int, bool> Points()
    {
        var data = new TheoryData<int, bool>();
        for (var n = 1; n <= 8; n++)
        {
            data.Add(n, false);
            data.Add(n, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task Stopping_a_batch_at_any_call_reports_every_paid_id_and_the_rerun_pays_nothing_twice(int stopAtCall, bool dispose)
    {
        var key = _hub.CreateApiKey(credits: 1000);
        var journal = Path.Combine(_directory, $"stop-{stopAtCall}-{dispose}.jsonl");
        var items = Enumerable.Range(0, ItemCount).Select(i => new BatchItem($"item-{i}", new ImageGenerationRequest("gpt-image-2", $"stop {stopAtCall} {dispose} {i}") { Quality = ImageQuality.Tier1K })).ToList();
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> watch = (_, e) =>
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += watch;
        try
        {
            using var cts = new CancellationTokenSource();
            GptImageHubClient? client = null;
            var stopper = new StopOnCall(stopAtCall, () =>
            {
                if (dispose)
                {
                    client!.Dispose();
                }
                else
                {
                    cts.Cancel();
                }
            });
            client = new GptImageHubClient(
                new HttpClient(stopper) { Timeout = Timeout.InfiniteTimeSpan },
                new GptImageHubClientOptions
                {
                    ApiKey = key,
                    BaseAddress = _hub.BaseAddress,
                    MaxRetries = 0,
                    Polling = { InitialInterval = TimeSpan.FromMilliseconds(20), MaxInterval = TimeSpan.FromMilliseconds(40), UseJitter = false },
                });
            var results = new List<BatchItemResult>();
            Exception? ended = null;
            try
            {
                await foreach (var result in client.GenerateBatchAsync(items, new BatchOptions { MaxConcurrency = 2, JournalPath = journal }, cts.Token).WithCancellation(TestContext.Current.CancellationToken))
                {
                    results.Add(result);
                }
            }
            catch (Exception ex)
            {
                ended = ex;
            }
            finally
            {
                client.Dispose();
            }

            Assert.True(ended is null or OperationCanceledException or GptImageHubException, $"escaped: {ended}");

            // Every charged generation reached the caller, by id.
            var charged = _hub.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.GenerationId).ToHashSet();
            var reported = results.Where(r => r.GenerationId is not null).Select(r => r.GenerationId).ToHashSet();
            var unknown = results.Count(r => r.Status == BatchItemStatus.Unknown);
            Assert.True(charged.Except(reported).Count() <= unknown, $"charged {charged.Count}, reported {reported.Count}, unknown {unknown}, stop at call {stopAtCall}");

            // The rerun finishes the batch and posts no key twice.
            using var again = new GptImageHubClient(new GptImageHubClientOptions
            {
                ApiKey = key,
                BaseAddress = _hub.BaseAddress,
                Polling = { InitialInterval = TimeSpan.FromMilliseconds(20), MaxInterval = TimeSpan.FromMilliseconds(40), UseJitter = false },
            });
            await foreach (var _ in again.GenerateBatchAsync(items, new BatchOptions { JournalPath = journal }, TestContext.Current.CancellationToken))
            {
            }

            Assert.All(items, item => Assert.InRange(_hub.Ledger.CountGenerationRequests(item.Request.Prompt), 0, 1));
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            TaskScheduler.UnobservedTaskException -= watch;
        }

        Assert.Empty(unobserved);
    }

    /// <summary>Passes calls through, and stops the batch as the Nth one goes out.</summary>
    private sealed class StopOnCall(int n, Action stop) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == n)
            {
                stop();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
