using System.Diagnostics;
using System.Globalization;
using GptImageHub.Cli.Output;
using GptImageHub.Sdk;
using Spectre.Console;

namespace GptImageHub.Cli.Progress;

/// <summary>
/// Shows a wait as it goes: status, elapsed time and polls. On a terminal it is one live line
/// redrawn in place; redirected, one plain line per status change; with <c>--json</c>, nothing.
/// </summary>
internal sealed class WaitProgress : IProgress<ImageGeneration>
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly HumanOutput? _output;
    private readonly PollCountingHandler _polls;
    private readonly int _pollsBefore;
    private readonly bool _live;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string _status = "submitted";

    private WaitProgress(HumanOutput? output, PollCountingHandler polls, bool live)
    {
        _output = output;
        _polls = polls;
        _pollsBefore = polls.Polls;
        _live = live;
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public int Polls => _polls.Polls - _pollsBefore;

    /// <summary>Runs <paramref name="wait"/>, showing its progress on <paramref name="output"/> (null: silently).</summary>
    public static async Task<(ImageGeneration Generation, WaitProgress Progress)> RunAsync(
        HumanOutput? output, PollCountingHandler polls, string generationId, Func<IProgress<ImageGeneration>, Task<ImageGeneration>> wait)
    {
        var progress = new WaitProgress(output, polls, live: output?.IsInteractive == true);
        if (output is null)
        {
            return (await wait(progress).ConfigureAwait(false), progress);
        }

        if (!progress._live)
        {
            output.Line($"Waiting for generation {generationId}:");
            return (await wait(progress).ConfigureAwait(false), progress);
        }

        var generation = await output.Console.Status().StartAsync(progress.LiveText(generationId), async context =>
        {
            var pending = wait(progress);
            while (!pending.IsCompleted)
            {
                context.Status(progress.LiveText(generationId));
                await Task.WhenAny(pending, Task.Delay(RedrawInterval)).ConfigureAwait(false);
            }

            return await pending.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return (generation, progress);
    }

    public void Report(ImageGeneration value)
    {
        var status = value.Status.ToString();
        Volatile.Write(ref _status, status);
        if (!_live)
        {
            _output?.Line("  " + Describe(status));
        }
    }

    /// <summary>"4.2 s, 3 polls": how long the wait took.</summary>
    public string Summary() => string.Format(CultureInfo.InvariantCulture, "{0:0.0} s, {1}", Elapsed.TotalSeconds, PollCount(Polls));

    private string LiveText(string generationId) =>
        Markup.Escape($"Waiting for {generationId}: {Describe(Volatile.Read(ref _status))}");

    private string Describe(string status) =>
        string.Format(CultureInfo.InvariantCulture, "{0,-11} {1,6:0.0} s  {2}", status, Elapsed.TotalSeconds, PollCount(Polls));

    private static string PollCount(int polls) => polls == 1 ? "1 poll" : polls.ToString(CultureInfo.InvariantCulture) + " polls";
}
