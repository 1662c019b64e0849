using System.Net;
using GptImageHub.Sdk.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace GptImageHub.Sdk.Tests.Resilience;

/// <summary>
/// The retry pipeline decides from what an attempt hands back (its failure and the wait the service
/// asked for), never from data read back out of an exception, and never retries anything thrown.
/// </summary>
public sealed class RetryOutcomeTests
{
    private static readonly ApiCall Call = new(HttpMethod.Get, new Uri("https://api.example/api/v1/credits"), TimeSpan.FromSeconds(100));

    private static Attempt<string> Failed(TimeSpan? retryAfter) =>
        Attempt<string>.Failed(new ServiceException("busy", HttpStatusCode.ServiceUnavailable, errorCode: null, generationId: null), retryAfter);

    /// <summary>Runs the safe-call pipeline over <paramref name="attempt"/>, moving the fake clock a second at a time for at most <paramref name="advance"/>.</summary>
    private static async Task<(Attempt<string> Outcome, int Attempts)> RunAsync(FakeTimeProvider clock, Func<int, Attempt<string>> attempt, TimeSpan advance)
    {
        var pipeline = new RetryStrategy(maxRetries: 3, clock, NullLogger.Instance).For(RetryKind.Safe);
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        context.Properties.Set(RetryStrategy.CallKey, Call);
        var running = pipeline.ExecuteAsync(_ => new ValueTask<Attempt<string>>(attempt(attempts++)), context).AsTask();
        for (var moved = TimeSpan.Zero; !running.IsCompleted && moved < advance; moved += TimeSpan.FromSeconds(1))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        ResilienceContextPool.Shared.Return(context);
        return (outcome, attempts);
    }

    [Fact]
    public async Task A_failed_attempt_is_tried_again_after_the_wait_the_attempt_carries_though_its_exception_names_none()
    {
        var clock = new FakeTimeProvider();
        var pipeline = new RetryStrategy(maxRetries: 3, clock, NullLogger.Instance).For(RetryKind.Safe);
        var attempts = 0;
        var running = pipeline.ExecuteAsync(
            _ => new ValueTask<Attempt<string>>(attempts++ == 0 ? Failed(TimeSpan.FromSeconds(7)) : Attempt<string>.Succeeded("ok", HttpStatusCode.OK, retryAfter: null)),
            TestContext.Current.CancellationToken).AsTask();

        clock.Advance(TimeSpan.FromSeconds(6.99));
        Assert.Equal(1, attempts);
        clock.Advance(TimeSpan.FromSeconds(0.01));
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(2, attempts);
        Assert.Null(outcome.Failure);
        Assert.Equal("ok", outcome.Response.Value);
    }

    [Fact]
    public async Task An_attempt_whose_server_asks_for_longer_than_MaxServerDelay_is_handed_back_at_once()
    {
        var (outcome, attempts) = await RunAsync(new FakeTimeProvider(), _ => Failed(RetryStrategy.MaxServerDelay + TimeSpan.FromSeconds(1)), TimeSpan.Zero);

        Assert.Equal(1, attempts);
        Assert.IsType<ServiceException>(outcome.Failure);
        Assert.Equal(RetryStrategy.MaxServerDelay + TimeSpan.FromSeconds(1), outcome.RetryAfter);
    }

    [Fact]
    public async Task Without_a_wait_from_the_server_the_backoff_applies_and_the_last_failure_is_handed_back_after_MaxRetries()
    {
        var (outcome, attempts) = await RunAsync(new FakeTimeProvider(), _ => Failed(retryAfter: null), TimeSpan.FromMinutes(5));

        Assert.Equal(4, attempts);
        Assert.IsType<ServiceException>(outcome.Failure);
    }

    [Theory]
    [InlineData("caller cancelled")]
    [InlineData("defect")]
    public async Task Anything_an_attempt_throws_is_never_tried_again(string kind)
    {
        var clock = new FakeTimeProvider();
        var pipeline = new RetryStrategy(maxRetries: 3, clock, NullLogger.Instance).For(RetryKind.Safe);
        var attempts = 0;
        Exception thrown = kind == "defect" ? new InvalidOperationException("bug") : new OperationCanceledException();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => pipeline.ExecuteAsync<Attempt<string>>(
            _ =>
            {
                attempts++;
                throw thrown;
            },
            TestContext.Current.CancellationToken).AsTask());

        Assert.Same(thrown, error);
        Assert.Equal(1, attempts);
    }
}
