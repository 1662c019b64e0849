namespace GptImageHub.Sdk.Errors;

/// <summary>
/// What the SDK's own submits (<see cref="GptImageHubClient.StartImageGenerationAsync(ImageGenerationRequest, CancellationToken)"/>,
/// <see cref="GptImageHubClient.GenerateImageAsync"/>) did within one call of a client's submit that the batch
/// watches. A batch runs over any <see cref="IGptImageHubClient"/>: what a consumer's decorator or fake throws
/// from its submit may come from a call of its own made after its submit reached the service (an argument check,
/// a disposed client, a refused request), so only an exception one of these submits threw may say that nothing
/// was charged, and only when none of them could have charged: a decorator's own retry that lost a charged
/// answer and then met a 429, or a second submit refused after the first was charged, passes on a real refusal
/// of the SDK's, and an earlier call's refusal can be thrown again after a charged submit. The SDK's submits
/// report to the watch through the execution context, so one that does not flow from the call (a decorator's
/// background worker), or that runs after the call ended (a worker the call started), is not seen, and its exception
/// counts as possibly charged.
/// </summary>
internal sealed class ThrownBySubmit
{
    private static readonly AsyncLocal<ThrownBySubmit?> Watching = new();

    private readonly List<Exception> _thrown = [];
    private readonly List<string> _paid = [];
    private readonly CancellationToken _stopBeforeSending;
    private int _started;

    // Set when the watched call ends. The watch flows into every task the call starts, and a consumer's decorator may
    // start one that outlives it (a worker that serves its later submits): that task must not take the batch's stop
    // (cancelled when the batch ends, even a finished one), or every later submit through it, in a batch or not, was
    // refused "stopped before sending"; nor report to a call that has ended.
    private volatile bool _ended;

    private ThrownBySubmit(CancellationToken stopBeforeSending) => _stopBeforeSending = stopBeforeSending;

    /// <summary>
    /// The stop of the batch that watches this execution context (none outside a watch): the SDK's submits take it as a
    /// stop before sending, so a batch stopped while a consumer's decorator submits sends no retry and nothing not yet sent.
    /// </summary>
    public static CancellationToken StopBeforeSending => Current?._stopBeforeSending ?? default;

    /// <summary>The watch of this execution context while its call lasts; none once it ended (<see cref="StopWatching"/>).</summary>
    private static ThrownBySubmit? Current => Watching.Value is { _ended: false } watch ? watch : null;

    /// <summary>Watches the SDK's submits made from here on in this execution context, until <see cref="StopWatching"/>.</summary>
    /// <param name="stopBeforeSending">The batch's stop, which those submits take as <see cref="StopBeforeSending"/>.</param>
    public static ThrownBySubmit Watch(CancellationToken stopBeforeSending)
    {
        var watch = new ThrownBySubmit(stopBeforeSending);
        Watching.Value = watch;
        return watch;
    }

    /// <summary>Ends the watch of this execution context, and for every task its call started that carries it on.</summary>
    public static void StopWatching()
    {
        if (Watching.Value is { } watch)
        {
            watch._ended = true;
        }

        Watching.Value = null;
    }

    /// <summary>An SDK submit starts: until it ends in an exception it remembers, it may have been charged.</summary>
    public static void Started()
    {
        if (Current is { } watch)
        {
            lock (watch._thrown)
            {
                watch._started++;
            }
        }
    }

    /// <summary>Remembers <paramref name="exception"/> as one that ended an SDK submit; always false, for use as an exception filter that lets it pass.</summary>
    public static bool Remember(Exception exception)
    {
        if (Current is { } watch)
        {
            lock (watch._thrown)
            {
                watch._thrown.Add(exception);
            }
        }

        return false;
    }

    /// <summary>An SDK submit's answer named the job <paramref name="generationId"/>: it was paid, whatever the caller's code does next.</summary>
    public static void Paid(string generationId)
    {
        if (Current is { } watch)
        {
            lock (watch._thrown)
            {
                watch._paid.Add(generationId);
            }
        }
    }

    /// <summary>Whether an SDK submit started under the watch: when none did, it saw nothing of what the call paid for.</summary>
    public bool SawSubmit
    {
        get
        {
            lock (_thrown)
            {
                return _started > 0;
            }
        }
    }

    /// <summary>
    /// The jobs the watched submits paid for, each once, in the order they were named: returned to the caller's code,
    /// or carried by an exception they threw. A decorator's own failure after its submit, or its wrapper around the
    /// SDK's exception, names none; these are still known. Only these are jobs the call is known to have paid for:
    /// an id that any other exception carries may be of a job the decorator read (another item's, another account's).
    /// </summary>
    public IReadOnlyList<string> PaidIds()
    {
        lock (_thrown)
        {
            var ids = new List<string>();
            foreach (var id in _paid.Concat(_thrown.Select(ChargeClassifier.PaidId)))
            {
                if (id is not null && !ids.Contains(id, StringComparer.Ordinal))
                {
                    ids.Add(id);
                }
            }

            return ids;
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> ended one of the watched submits, passed on unchanged, and every
    /// submit started under the watch ended in an exception that says nothing was charged.
    /// </summary>
    public bool OnlyUnchargedEndedWith(Exception exception)
    {
        lock (_thrown)
        {
            return _thrown.Count == _started
                && _thrown.Exists(thrown => ReferenceEquals(thrown, exception))
                && _thrown.TrueForAll(thrown => ChargeClassifier.Classify(thrown) != SubmitOutcome.PossiblyCharged);
        }
    }
}
