using GptImageHub.Sdk.Core;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>Attacks on the single-flight model list: failing and endless shared fetches.</summary>
public sealed class HostileModelCacheTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failing_shared_fetch_ends_every_caller_with_a_failure_and_never_loops()
    {
        // Each joiner of a failed fetch tries once for itself (by design: the failure may be the
        // owner's alone), so 20 callers make at most 20 fetches, never a loop: measured 20.
        var cache = new ModelCache(new FakeTimeProvider(), TimeSpan.FromMinutes(5));
        var fetches = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<IReadOnlyList<ImageModel>> Failing(CancellationToken token)
        {
            Interlocked.Increment(ref fetches);
            await release.Task.WaitAsync(token);
            throw new GptImageHubConnectionException("GET /api/v1/models failed: reset", null, null);
        }

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetAsync(Failing, T)).ToArray();
        release.SetResult();
        foreach (var caller in callers)
        {
            await Assert.ThrowsAsync<GptImageHubConnectionException>(() => caller.WaitAsync(TimeSpan.FromSeconds(5), T));
        }

        Assert.InRange(fetches, 1, 20);
        Assert.Null(cache.Fresh);
    }

    [Fact]
    public async Task A_fetch_that_never_ends_stops_its_owner_and_every_joiner_on_their_own_cancellation()
    {
        var cache = new ModelCache(new FakeTimeProvider(), TimeSpan.FromMinutes(5));
        var fetches = 0;

        async Task<IReadOnlyList<ImageModel>> Endless(CancellationToken token)
        {
            Interlocked.Increment(ref fetches);
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        }

        using var ownerStop = CancellationTokenSource.CreateLinkedTokenSource(T);
        var owner = cache.GetAsync(Endless, ownerStop.Token);
        var joinerStops = Enumerable.Range(0, 5).Select(_ => CancellationTokenSource.CreateLinkedTokenSource(T)).ToArray();
        var joiners = joinerStops.Select(stop => cache.GetAsync(Endless, stop.Token)).ToArray();

        foreach (var (stop, joiner) in joinerStops.Zip(joiners))
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => joiner.WaitAsync(TimeSpan.FromSeconds(5), T));
            stop.Dispose();
        }

        Assert.False(owner.IsCompleted);
        await ownerStop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => owner.WaitAsync(TimeSpan.FromSeconds(5), T));
        Assert.Equal(1, fetches);
    }
}
