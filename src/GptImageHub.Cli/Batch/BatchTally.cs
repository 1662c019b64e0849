using System.Globalization;
using GptImageHub.Cli.Failures;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Batch;

/// <summary>
/// The counts of a batch run as its results stream in, and the exit code they add up to. Written by
/// the loop that reads the results, read by the live display's redraw, hence the lock.
/// </summary>
internal sealed class BatchTally
{
    // Most serious first: a key or account problem stops the whole batch and needs the user, a bad
    // request needs the file fixed, then transient and per-item failures; a local failure (images
    // not saved) is the least serious, since a rerun saves them without any new charge.
    private static readonly int[] Severity =
    [
        ExitCodes.Auth, ExitCodes.Credits, ExitCodes.Usage, ExitCodes.Network, ExitCodes.Service,
        ExitCodes.Timeout, ExitCodes.NotFound, ExitCodes.GenerationFailed, ExitCodes.Failure,
    ];

    private readonly Lock _gate = new();
    private int _succeeded;
    private int _failed;
    private int _skipped;
    private int _unknown;
    private int _unfinished;
    private int _notSaved;
    private long _credits;
    private int? _worstFailure;

    public BatchTally(int total, int concurrency)
    {
        Total = total;
        Concurrency = concurrency;
    }

    public int Total { get; }

    public int Concurrency { get; }

    public int Succeeded => Read(() => _succeeded);

    public int Failed => Read(() => _failed);

    public int Skipped => Read(() => _skipped);

    /// <summary>Items "submitted, id never received" (possibly charged): not those with an id that did not finish.</summary>
    public int Unknown => Read(() => _unknown);

    /// <summary>Succeeded items (counted in <see cref="Succeeded"/> too) whose images could not be saved: paid for, not on disk.</summary>
    public int NotSaved => Read(() => _notSaved);

    /// <summary>Sum of the credits of the succeeded items, those from the journal included.</summary>
    public long Credits => Read(() => _credits);

    public int Finished => Read(() => _succeeded + _failed + _skipped + _unknown);

    /// <summary>
    /// Items not submitted yet when the run ended, and items submitted and paid for (their line names the id) whose
    /// job had not finished: the run stopped, or gave up waiting. A rerun submits the first and follows the second by id.
    /// </summary>
    public int NotFinished => Total - Finished;

    /// <summary>
    /// 0 when every item succeeded; else the code of the most serious failure; else
    /// <see cref="ExitCodes.Incomplete"/> when items were skipped or are unknown.
    /// </summary>
    public int ExitCode => Read(() => _worstFailure ?? (_skipped + _unknown > 0 || _succeeded + _failed < Total ? ExitCodes.Incomplete : ExitCodes.Ok));

    /// <summary>Counts one result; <paramref name="failureCode"/> is the exit code of its failure, if it had one (a failed item, or images not saved).</summary>
    public void Add(BatchItemResult result, int? failureCode)
    {
        lock (_gate)
        {
            switch (result.Status)
            {
                case BatchItemStatus.Succeeded:
                    _succeeded++;
                    _credits += result.Generation?.Usage?.Credits ?? 0;

                    // A succeeded item fails only locally: its images were not saved.
                    _notSaved += failureCode is null ? 0 : 1;
                    break;
                case BatchItemStatus.Failed:
                    _failed++;
                    break;
                case BatchItemStatus.Skipped:
                    _skipped++;
                    break;
                case BatchItemStatus.Incomplete:
                    // Paid for, with its id, and still running: not finished. "Unknown" is the README's "submitted, id
                    // never received" (possibly charged, --resubmit-unknown), which these are not.
                    _unfinished++;
                    break;
                default:
                    _unknown++;
                    break;
            }

            if (failureCode is { } code && (_worstFailure is not { } worst || Rank(code) < Rank(worst)))
            {
                _worstFailure = code;
            }
        }
    }

    /// <summary>
    /// "done 3/10, running 4, failed 0, skipped 0, unknown 0, 24 credits", and ", not saved 1" once
    /// an item's images could not be saved. Running is the slots the
    /// SDK keeps busy (at most the concurrency, never more than the items left): it does not report
    /// each submit, and counting requests on the wire would miss jobs resumed from the journal.
    /// </summary>
    public string Describe(bool running)
    {
        lock (_gate)
        {
            var finished = _succeeded + _failed + _skipped + _unknown + _unfinished;
            var inFlight = running ? Math.Min(Concurrency, Total - finished) : 0;
            return string.Format(
                CultureInfo.InvariantCulture,
                "done {0}/{1}, running {2}, failed {3}, skipped {4}, unknown {5}, {6} credits{7}",
                finished, Total, inFlight, _failed, _skipped, _unknown, _credits, _notSaved > 0 ? ", not saved " + _notSaved.ToString(CultureInfo.InvariantCulture) : string.Empty);
        }
    }

    private static int Rank(int code)
    {
        var index = Array.IndexOf(Severity, code);
        return index < 0 ? Severity.Length : index;
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }
}
