namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// The stepping clock leaves nothing waiting once the task it drives has ended: a read left behind
/// would take the next delay's announcement from whoever waits next, and one with a timeout would
/// fault later, unobserved, in whichever test is watching for unobserved faults (it failed CI once).
/// </summary>
public sealed class SteppingClockTests
{
    public static TheoryData<string> Waits() => new() { "run", "next delay or end" };

    [Theory]
    [MemberData(nameof(Waits))]
    public async Task A_wait_that_ends_with_its_task_leaves_the_next_delay_to_the_next_wait(string wait)
    {
        var clock = new SteppingClock(realTimeout: TimeSpan.FromSeconds(5));
        if (wait == "run")
        {
            await clock.RunAsync(Task.CompletedTask);
        }
        else
        {
            Assert.Null(await clock.NextDelayOrEndAsync(Task.CompletedTask));
        }

        var delay = Task.Delay(TimeSpan.FromMinutes(3), clock, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromMinutes(3), await clock.NextDelayAsync());
        Assert.False(delay.IsCompleted);
    }

    [Fact]
    public async Task A_wait_returns_the_delay_the_task_starts()
    {
        var clock = new SteppingClock(realTimeout: TimeSpan.FromSeconds(5));
        var run = Task.Delay(TimeSpan.FromSeconds(7), clock, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(7), await clock.NextDelayOrEndAsync(run));
        clock.Fake.Advance(TimeSpan.FromSeconds(7));
        await run;
        Assert.Null(await clock.NextDelayOrEndAsync(run));
    }
}
