using GptImageHub.Sdk.Core;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>Attacks on the single-flight model list: failing and endless shared fetches.</summary>
public sealed class HostileModelCacheTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failing_shared_fetch_ends_every_caller_with_its_failure_after_one_request()
    {
        // The service failing the fetch fails every caller that joined it: 20 callers, one request
        // (each joiner used to fetch again for itself, 20 requests exactly when the service struggles).
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

        Assert.Equal(1, fetches);
        Assert.Null(cache.Fresh);
    }

    public enum OwnerStop
    {
        Cancelled,
        ClientDisposed,
        ObjectDisposed,
    }

    [Theory]
    [InlineData(OwnerStop.Cancelled)]
    [InlineData(OwnerStop.ClientDisposed)]
    [InlineData(OwnerStop.ObjectDisposed)]
    public async Task A_fetch_its_own_caller_stopped_is_followed_by_one_fetch_the_joiners_share(OwnerStop stop)
    {
        var cache = new ModelCache(new FakeTimeProvider(), TimeSpan.FromMinutes(5));
        var fetches = 0;
        var ownerRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IReadOnlyList<ImageModel> list = [new ImageModel { Id = "gpt-image-2" }];
        using var ownerStop = CancellationTokenSource.CreateLinkedTokenSource(T);

        async Task<IReadOnlyList<ImageModel>> Fetch(CancellationToken token)
        {
            if (Interlocked.Increment(ref fetches) == 1)
            {
                // The owner's fetch: ended by the owner's cancellation or its client's disposal.
                await ownerRelease.Task.WaitAsync(token);
                throw stop == OwnerStop.ClientDisposed
                    ? ClientDisposedException.Create("GET /api/v1/models", null, requestSent: true, httpClientDisposed: false, null)
                    : new ObjectDisposedException(nameof(GptImageHubClient));
            }

            await secondRelease.Task.WaitAsync(token);

            // As the client's GetModelsAsync does: the answer is kept before it is returned.
            cache.Store(list);
            return list;
        }

        var owner = cache.GetAsync(Fetch, ownerStop.Token);
        var joiners = Enumerable.Range(0, 10).Select(_ => cache.GetAsync(Fetch, T)).ToArray();
        if (stop == OwnerStop.Cancelled)
        {
            await ownerStop.CancelAsync();
        }
        else
        {
            ownerRelease.SetResult();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => owner.WaitAsync(TimeSpan.FromSeconds(5), T));
        secondRelease.SetResult();
        foreach (var joiner in joiners)
        {
            Assert.Same(list, await joiner.WaitAsync(TimeSpan.FromSeconds(5), T));
        }

        Assert.Equal(2, fetches);
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
