using System.Globalization;
using GptImageHub.Cli.Batch;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using Spectre.Console;

namespace GptImageHub.Cli.Progress;

/// <summary>
/// Shows a batch as its results stream in. On a terminal: one live line of counts redrawn in place,
/// with each item that did not succeed printed above it. Redirected: one plain line per item. With
/// <c>--json</c>: one JSON object per item, then the summary object.
/// </summary>
internal sealed class BatchProgress
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>What a stopping batch is doing: without it, the wait for the submits in flight looked like a hang.</summary>
    internal const string StopNotice =
        "Stopping: nothing new is submitted; waiting for the submits already sent to answer, so that their generation ids are journaled. Ctrl+C again quits now, and those items stay unknown (possibly charged).";

    private readonly HumanOutput? _human;
    private readonly TextWriter _out;
    private readonly BatchTally _tally;
    private readonly bool _live;
    private volatile bool _stopping;

    public BatchProgress(HumanOutput? human, TextWriter output, BatchTally tally)
    {
        _human = human;
        _out = output;
        _tally = tally;
        _live = human?.IsInteractive == true;
    }

    public void Start(string file, string journal, string directory, bool defaultDirectory)
    {
        if (_human is null)
        {
            return;
        }

        _human.Line($"Batch of {Items(_tally.Total)} from {file}, {_tally.Concurrency.ToString(CultureInfo.InvariantCulture)} at a time.");
        _human.Line($"Journal: {journal}");
        _human.Line(defaultDirectory
            ? $"No --out given: saving into ./{Commands.GenerateCommand.DefaultOutDirectory}/ ({directory})."
            : $"Saving into {directory}.");
    }

    /// <summary>
    /// The first Ctrl+C: the batch waits for the POSTs already sent, which can take as long as the service takes to
    /// answer. Said at once, so a user who sees nothing happen does not press Ctrl+C again and kill the process before
    /// those answers (and the ids of jobs already paid for) are journaled. Runs on the thread that cancels.
    /// </summary>
    public void Stopping()
    {
        _stopping = true;
        if (_human is not null && !_live)
        {
            _human.Line(StopNotice);
        }
    }

    /// <summary>Runs <paramref name="consume"/>, the loop that reads the results, under the live line when there is a terminal.</summary>
    public async Task RunAsync(Func<Task> consume)
    {
        if (!_live)
        {
            await consume().ConfigureAwait(false);
            return;
        }

        await _human!.Console.Status().StartAsync(LiveText(), async context =>
        {
            var pending = consume();
            while (!pending.IsCompleted)
            {
                context.Status(LiveText());
                await Task.WhenAny(pending, Task.Delay(RedrawInterval)).ConfigureAwait(false);
            }

            // The last counts, drawn before the display ends: the summary must not follow a stale "done 5/6".
            context.Status(Markup.Escape("Batch: " + _tally.Describe(running: false)));
            context.Refresh();
            await pending.ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Reports one item's outcome, once it is counted and its images saved.</summary>
    public void Item(BatchItemJson item)
    {
        if (_human is null)
        {
            JsonOutput.Write(_out, item, CliJsonContext.Default.BatchItemJson);
        }
        else if (!_live)
        {
            _human.Line(Describe(item));
        }
        else if (item.Status != "succeeded" || item.Reason is not null)
        {
            // Through Spectre, so the line lands above the live display instead of through it; a
            // success shows in the counts and the summary, so only the items to look at are listed.
            _human.Markup($"[{(item.Status == "succeeded" ? "yellow" : "red")}]{Markup.Escape(Describe(item))}[/]");
        }
    }

    /// <summary>The closing summary: a line for people, the summary object with <c>--json</c>.</summary>
    public void Finish(int exitCode, bool stopped, string journal, string directory)
    {
        if (_human is null)
        {
            JsonOutput.Write(
                _out,
                new BatchSummaryJson(new BatchSummaryDetailJson(
                    _tally.Total, _tally.Succeeded, _tally.NotSaved, _tally.Failed, _tally.Skipped, _tally.Unknown, _tally.NotFinished, _tally.Credits, journal, directory, exitCode)),
                CliJsonContext.Default.BatchSummaryJson);
            return;
        }

        _human.Line(string.Format(
            CultureInfo.InvariantCulture,
            "Batch {0}: {1} succeeded{8}, {2} failed, {3} skipped, {4} unknown{5} of {6}; {7} credits.",
            stopped ? "stopped" : "finished",
            _tally.Succeeded,
            _tally.Failed,
            _tally.Skipped,
            _tally.Unknown,
            // A run that was not stopped has unfinished items too when it gave up waiting for paid jobs.
            stopped || _tally.NotFinished > 0 ? $", {_tally.NotFinished.ToString(CultureInfo.InvariantCulture)} not finished" : string.Empty,
            _tally.Total,
            _tally.Credits,
            _tally.NotSaved > 0 ? $" ({_tally.NotSaved.ToString(CultureInfo.InvariantCulture)} with images not saved)" : string.Empty));
    }

    /// <summary>"succeeded  sku-1  generation c..., 8 credits, saved /out/c...-1.png" or "skipped    sku-2  Not submitted: ...".</summary>
    private static string Describe(BatchItemJson item)
    {
        var text = $"{item.Status,-9}  {item.Key}  ";
        if (item.Status == "succeeded")
        {
            text += $"generation {item.GenerationId}, {(item.Credits ?? 0).ToString(CultureInfo.InvariantCulture)} credits";
            text += item.Files.Count > 0 ? ", saved " + string.Join(' ', item.Files) : string.Empty;
            text += item.Reason is null ? string.Empty : ", " + item.Reason;
        }
        else
        {
            text += item.Reason ?? "no reason given";

            // An incomplete item's reason ends with the gih wait command, which names the id already.
            text += item.GenerationId is null || (item.Status == "incomplete" && item.Reason is not null) ? string.Empty : $" (generation {item.GenerationId})";
        }

        return item.FromJournal ? text + " (from the journal)" : text;
    }

    private string LiveText() => Markup.Escape((_stopping ? StopNotice + " " : string.Empty) + "Batch: " + _tally.Describe(running: true));

    private static string Items(int count) => count == 1 ? "1 item" : count.ToString(CultureInfo.InvariantCulture) + " items";
}
