using GptImageHub.Sdk.Polling;
using static GptImageHub.Sdk.Tests.Polling.PollingHarness;

namespace GptImageHub.Sdk.Tests.Polling;

public sealed class PollScheduleTests
{
    [Fact]
    public async Task A_fifteen_minute_job_completes_in_milliseconds_of_test_time()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", elapsed => elapsed >= TimeSpan.FromMinutes(15) ? Json(200, Infrastructure.SeedResponses.Succeeded("g1")) : Status("g1", "processing"));

        var generation = await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal(GenerationStatus.Succeeded, generation.Status);
        // Polls at 2, 6 and 14 s, then every 10 s: the first at or after 900 s is at 904 s.
        Assert.Equal(92, hub.Polls);
        Assert.Equal(TimeSpan.FromSeconds(904), hub.Clock.Elapsed);
        Assert.Equal(1, hub.Posts);
    }

    [Fact]
    public async Task An_800_second_job_under_the_default_options_takes_82_polls_and_is_seen_4_seconds_late()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", elapsed => elapsed >= TimeSpan.FromSeconds(800) ? Json(200, Infrastructure.SeedResponses.Succeeded("g1")) : Status("g1", "processing"));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal(82, hub.Polls);
        Assert.Equal(TimeSpan.FromSeconds(804), hub.Clock.Elapsed);
    }

    [Fact]
    public async Task Poll_times_double_from_InitialInterval_up_to_MaxInterval()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "queued"), Status("g1", "processing"), Status("g1", "processing"), Status("g1", "processing"), Status("g1", "processing"), Json(200, Infrastructure.SeedResponses.Succeeded("g1")));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal([2, 6, 14, 24, 34, 44], hub.PollTimes);
    }

    [Fact]
    public async Task Custom_intervals_shape_the_schedule()
    {
        using var hub = new PollingHarness(o =>
        {
            o.Polling.InitialInterval = TimeSpan.FromSeconds(1);
            o.Polling.MaxInterval = TimeSpan.FromSeconds(3);
        });
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "processing"), Status("g1", "processing"), Status("g1", "processing"), Status("g1", "processing"), Json(200, Infrastructure.SeedResponses.Succeeded("g1")));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal([1, 3, 6, 9, 12], hub.PollTimes);
    }

    [Fact]
    public async Task Jitter_keeps_every_delay_within_20_percent_and_under_MaxInterval()
    {
        using var hub = new PollingHarness(o => o.Polling.UseJitter = true);
        hub.StubSubmit();
        var answers = Enumerable.Repeat(Status("g1", "processing"), 30).Append(Json(200, Infrastructure.SeedResponses.Succeeded("g1"))).ToArray();
        hub.StubPolls("g1", answers);

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        var times = hub.PollTimes;
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).Prepend(times[0]).ToArray();
        double[] nominal = [2, 4, 8, .. Enumerable.Repeat(10.0, gaps.Length - 3)];
        Assert.All(gaps.Zip(nominal), pair => Assert.InRange(pair.First, (pair.Second * 0.8) - 1e-6, Math.Min(pair.Second * 1.2, 10) + 1e-6));
        Assert.True(gaps.Distinct().Count() > 3, "jitter should spread the delays");
    }

    [Fact]
    public async Task Retry_After_on_a_poll_answer_moves_the_next_poll()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Json(200, Infrastructure.SeedResponses.Generation("g1", "processing"), ("Retry-After", "7")), Status("g1", "processing"), Json(200, Infrastructure.SeedResponses.Succeeded("g1")));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        // 2 s, then the server's 7 s, then the backoff goes on where it was (4 s).
        Assert.Equal([2, 9, 13], hub.PollTimes);
    }

    [Fact]
    public async Task Retry_After_on_a_429_poll_answer_moves_the_next_poll_and_the_wait_goes_on()
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        hub.StubPolls("g1", Json(429, """{"error":{"message":"slow down","code":"rateLimited"}}""", ("Retry-After", "30")), Json(200, Infrastructure.SeedResponses.Succeeded("g1")));

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        Assert.Equal([2, 32], hub.PollTimes);
    }

    [Fact]
    public async Task The_deadline_fires_exactly_at_Polling_Timeout_and_names_the_generation()
    {
        using var hub = new PollingHarness(o => o.Polling.Timeout = TimeSpan.FromSeconds(60));
        hub.StubSubmit();
        hub.StubPolls("g1", Status("g1", "processing"));

        var ex = await Assert.ThrowsAsync<GenerationTimeoutException>(() => hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken)));

        Assert.Equal(TimeSpan.FromSeconds(60), hub.Clock.Elapsed);
        Assert.Equal([2, 6, 14, 24, 34, 44, 54], hub.PollTimes);
        Assert.Equal("g1", ex.GenerationId);
        Assert.Equal("Generation 'g1' was still 'processing' after 60 s and 7 polls (Polling.Timeout). It may still finish: resume with WaitForGenerationAsync(\"g1\").", ex.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("a date 30 s in the past")]
    [InlineData("a date 10 years ahead")]
    [InlineData("-5")]
    [InlineData("soon")]
    public async Task A_hostile_Retry_After_never_polls_faster_than_InitialInterval_nor_parks_the_wait(string retryAfter)
    {
        using var hub = new PollingHarness();
        hub.StubSubmit();
        var polls = 0;
        hub.StubPolls("g1", elapsed =>
        {
            var now = hub.Clock.Start + elapsed;
            var value = retryAfter switch
            {
                "a date 30 s in the past" => now.AddSeconds(-30).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                "a date 10 years ahead" => now.AddYears(10).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                _ => retryAfter,
            };
            return Interlocked.Increment(ref polls) < 4
                ? Json(200, Infrastructure.SeedResponses.Generation("g1", "processing"), ("Retry-After", value))
                : Json(200, Infrastructure.SeedResponses.Succeeded("g1"));
        });

        await hub.Clock.RunAsync(hub.Client.GenerateImageAsync(SampleRequest, TestContext.Current.CancellationToken));

        // 0 or a past date: the schedule's minimum (InitialInterval, 2 s); years ahead: the 30 s cap; unreadable: the backoff.
        double[] expected = retryAfter switch
        {
            "a date 10 years ahead" => [2, 32, 62, 92],
            "-5" or "soon" => [2, 6, 14, 24],
            _ => [2, 4, 6, 8],
        };
        Assert.Equal(expected, hub.PollTimes);
    }

    [Fact]
    public void Jitter_never_brings_a_poll_closer_than_InitialInterval()
    {
        var schedule = new PollSchedule(new PollingOptions { InitialInterval = TimeSpan.FromSeconds(2), MaxInterval = TimeSpan.FromSeconds(10), UseJitter = true }, new Random(7));

        var delays = Enumerable.Range(0, 200).Select(_ => schedule.NextDelay(null)).ToArray();

        Assert.All(delays, d => Assert.True(d >= TimeSpan.FromSeconds(2), d.ToString()));
        Assert.True(delays.Distinct().Count() > 3, "jitter should still spread the delays");
    }
}
