using System.Diagnostics;
using GptImageHub.Sdk.Http;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// The pooled, re-armed timer of <see cref="CallTimeout"/> runs only on the system clock, so it is
/// tested there: a reused source must fire at a new, shorter limit, and must tell the caller's
/// cancellation from its own timeout.
/// </summary>
public sealed class CallTimeoutSystemClockTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_reused_source_armed_for_a_long_limit_fires_at_the_next_calls_short_limit()
    {
        // A long call leaves its source armed in the pool well beyond the short limit that follows.
        for (var round = 0; round < 3; round++)
        {
            var longCall = CallTimeout.Start(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None);
            Assert.False(longCall.Token.IsCancellationRequested);
            longCall.Dispose();

            var watch = Stopwatch.StartNew();
            using var shortCall = CallTimeout.Start(Short, TimeProvider.System, CancellationToken.None);
            await WaitForCancellationAsync(shortCall.Token);

            Assert.True(shortCall.TimedOut);
            Assert.InRange(watch.Elapsed, Short - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_call_and_is_not_a_timeout()
    {
        using var caller = new CancellationTokenSource();
        using var call = CallTimeout.Start(TimeSpan.FromMinutes(5), TimeProvider.System, caller.Token);

        await caller.CancelAsync();

        Assert.True(call.Token.IsCancellationRequested);
        Assert.False(call.TimedOut);
    }

    [Fact]
    public async Task The_clients_disposal_ends_the_call_and_is_not_a_timeout()
    {
        using var lifetime = new CancellationTokenSource();
        using var call = CallTimeout.Start(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None, lifetime.Token);

        await lifetime.CancelAsync();

        Assert.True(call.Token.IsCancellationRequested);
        Assert.False(call.TimedOut);
    }

    [Fact]
    public async Task A_source_whose_timer_ran_out_in_the_pool_never_ends_a_later_call()
    {
        // More calls than the pool keeps, so some sources are given back beyond its limit and
        // dropped, and the rest sit in the pool still armed for a few milliseconds.
        const int Calls = 300;
        var quick = Enumerable.Range(0, Calls).Select(_ => CallTimeout.Start(TimeSpan.FromMilliseconds(5), TimeProvider.System, CancellationToken.None)).ToList();
        quick.ForEach(call => call.Dispose());
        await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);

        // Every one of them has run out by now; the calls that reuse them start afresh.
        var later = Enumerable.Range(0, Calls).Select(_ => CallTimeout.Start(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None)).ToList();
        try
        {
            Assert.All(later, call => Assert.False(call.Token.IsCancellationRequested));
            Assert.All(later, call => Assert.False(call.TimedOut));
        }
        finally
        {
            later.ForEach(call => call.Dispose());
        }
    }

    [Fact]
    public async Task A_limit_under_a_millisecond_still_times_the_call_out()
    {
        // Under a millisecond the reused source's tick-count arithmetic cannot hold it: a source of its own.
        using var call = CallTimeout.Start(TimeSpan.FromTicks(5_000), TimeProvider.System, CancellationToken.None);

        await WaitForCancellationAsync(call.Token);

        Assert.True(call.TimedOut);
    }

    private static async Task WaitForCancellationAsync(CancellationToken token)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => ended.TrySetResult()))
        {
            await ended.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
    }
}
