using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Runs a batch over any <see cref="IGptImageHubClient"/> and any <see cref="BatchStore"/>: the
/// caller's items are checked and enqueued, then claimed one free slot at a time. A claim is
/// reported (finished earlier), resumed by id (paid earlier), or admitted and submitted. Each step
/// is recorded before the next one depends on it; the <c>submitting</c> record is durable before
/// the POST. Results stream out in completion order. Every started submit completes and is
/// reported, whether the caller cancels, stops reading, or the store fails.
/// </summary>
internal sealed class BatchRunner
{
    private readonly IGptImageHubClient _client;
    private readonly PollingOptions _polling;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _apiKey;

    public BatchRunner(IGptImageHubClient client)
    {
        _client = client;

        // The SDK's own client shares its settings; any other implementation gets the documented defaults.
        var settings = (client as GptImageHubClient)?.Settings;
        _polling = settings?.Polling ?? new PollingOptions();
        _time = settings?.TimeProvider ?? TimeProvider.System;

        // Masked in a failed job's reason (other than a key-shaped one, which is masked whatever the client).
        _apiKey = settings?.ApiKey;
        _logger = (client as GptImageHubClient)?.Logger ?? NullLogger.Instance;
    }

    public async IAsyncEnumerable<BatchItemResult> RunAsync(IEnumerable<BatchItem> items, BatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var store = ValidateOptions(items, options);
        if (ClientDisposed)
        {
            // Checked before the store opens: on a disposed client every submit would fail unsent, and a
            // failure the charge rule cannot place would be journaled "possibly charged" and held back for good.
            throw ThrownBeforeSending.Disposed("The batch's GptImageHubClient has been disposed; nothing was sent or journaled. Run the batch with a live client.");
        }

        var results = Channel.CreateUnbounded<BatchItemResult>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var run = new Run(this, options, results.Writer, stop.Token);
        var work = run.ExecuteAsync(store, items);
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                run.Read(result);
                yield return result;
            }

            await work.ConfigureAwait(false);
        }
        finally
        {
            // A caller that stops reading early ends the batch too; submits already started still finish and are recorded.
            stop.Cancel();
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // Already thrown to a reader that got this far, or of no interest to one that stopped reading.
            }
        }
    }

    /// <summary>Whether the SDK's own client was disposed; any other implementation is taken to be usable.</summary>
    private bool ClientDisposed => _client is GptImageHubClient { IsDisposed: true };

    private static BatchStore ValidateOptions(IEnumerable<BatchItem> items, BatchOptions options)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var failures = OptionsRules.Check(options);
        if (failures.Count > 0)
        {
            throw OptionsRules.Refuse(failures, nameof(options));
        }

        return options.Store ?? new FileBatchStore(options.JournalPath);
    }

    /// <summary>A key is stored and matched exactly: text that cannot round-trip through UTF-8 (half a surrogate pair) or a database (NUL) is refused.</summary>
    internal static void ValidateKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("Every batch item needs a non-empty key.", nameof(key));
        }

        for (var i = 0; i < key!.Length; i++)
        {
            var c = key[i];
            if (c == '\0')
            {
                throw new ArgumentException($"The batch key '{key.Replace("\0", "\\0")}' contains a NUL character, which no journal keeps exactly.", nameof(key));
            }

            if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException(
                    $"The batch key at index {i} holds half of a surrogate pair (U+{(int)c:X4}), as a key cut from a longer text in the middle of an emoji does; it cannot be journaled exactly. Cut keys on whole characters.",
                    nameof(key));
            }
        }
    }

    /// <summary>What the store records for a submit that failed this way: only a possibly charged one stays out of the next run.</summary>
    internal static BatchJournalEvent JournalEventFor(SubmitOutcome outcome) => outcome switch
    {
        SubmitOutcome.NotSent => BatchJournalEvent.NotSent,
        SubmitOutcome.Refused => BatchJournalEvent.Refused,
        _ => BatchJournalEvent.Unknown,
    };

    /// <summary>The state of one run of a batch.</summary>
    private sealed class Run : IDisposable
    {
        private const int EnqueueChunk = 1000;
        private const string CanceledSkip = "Not submitted: the batch was canceled.";
        private const string ClientDisposedSkip = "Not submitted: the client was disposed while the batch ran.";

        // How long a stopped batch still tries to record what its submits did (a database outage: its writes retry).
        private static readonly TimeSpan RecordGrace = TimeSpan.FromSeconds(5);

        private readonly BatchRunner _runner;
        private readonly BatchOptions _options;
        private readonly ChannelWriter<BatchItemResult> _results;
        private readonly CancellationToken _stopping;
        private readonly InFlightLimiter _limiter;
        private readonly BatchAdmission _admission;
        private readonly BatchPoller _poller;
        private readonly Dictionary<string, BatchItem> _items = new(StringComparer.Ordinal);

        // The keys of _items this run has started work on. A store that offers one again before it ends (a fleet store
        // whose worker was thought dead while its submit waited) would start a second copy, and each copy finds the
        // other's "submitting" record as its own and posts: paid twice. Guarded by _items' lock.
        private readonly HashSet<string> _started = new(StringComparer.Ordinal);

        // A repeat ignored while its copy was at work, handed back when that copy ends. The copy may be ending without
        // the store's claim: a submit whose claim the store found lost (another worker put it back to pending) already
        // let go of it, so the store may offer it again before the copy forgets the item. Dropped, that claim stayed
        // this live worker's and the batch never drained. Guarded by _items' lock.
        private readonly Dictionary<string, BatchClaim> _repeats = new(StringComparer.Ordinal);
        private readonly List<Task> _submits = [];

        // Replayed results are made as fast as the store reads them, far faster than a caller that downloads each
        // image takes them: unchecked, a rerun of 100,000 finished items queued them all (working set 229 MB, the
        // goal 200). So at most this many wait unread; live results need no such bound, the limiter holds them.
        private readonly SemaphoreSlim _reportsUnread;

        // Room is given back half a backlog at a time, so the store wakes once per that many reports, not per report
        // (a hop through the thread pool each: on a loaded machine that doubled a 100,000-item replay's time).
        private readonly int _reportsReleasedAtOnce;
        private int _reportsReadUnreleased;
        private BatchStoreSession _session = null!;
        private IOException? _storeFailure;

        public Run(BatchRunner runner, BatchOptions options, ChannelWriter<BatchItemResult> results, CancellationToken stopping)
        {
            _runner = runner;
            _options = options;
            _results = results;
            _stopping = stopping;
            _limiter = new InFlightLimiter(options.MaxConcurrency);
            _admission = new BatchAdmission(runner._client, options.CreditBudget);
            _poller = new BatchPoller(runner._client, options.Polling ?? runner._polling, runner._time, options.MaxConcurrency, Finished);
            var backlog = Math.Max(64, 2 * options.MaxConcurrency);
            _reportsUnread = new SemaphoreSlim(backlog);
            _reportsReleasedAtOnce = backlog / 2;
        }

        /// <summary>Called once the run's work has ended.</summary>
        public void Dispose() => _reportsUnread.Dispose();

        /// <summary>The caller took a result: replayed ones make room for the next, half a backlog at a time.</summary>
        /// <remarks>
        /// Called by the one reader only. The store never waits on fewer than half a backlog of unread reports, so
        /// holding back fewer than that many cannot leave the reader waiting for a report that waits for it.
        /// </remarks>
        public void Read(BatchItemResult result)
        {
            if (result.FromJournal && ++_reportsReadUnreleased == _reportsReleasedAtOnce)
            {
                _reportsUnread.Release(_reportsReleasedAtOnce);
                _reportsReadUnreleased = 0;
            }
        }

        public async Task ExecuteAsync(BatchStore store, IEnumerable<BatchItem> items)
        {
            var count = 0;
            try
            {
                var settings = new BatchRunSettings { CreditBudget = _options.CreditBudget, ResubmitUnknown = _options.ResubmitUnknown, TimeProvider = _runner._time, RunStopped = _stopping };
                _session = await OpenAsync(store, settings).ConfigureAwait(false);
                try
                {
                    count = await EnqueueAsync(items).ConfigureAwait(false);
                    Log.BatchStarting(_runner._logger, count, 0, _options.MaxConcurrency);
                    var polling = _poller.RunAsync(_stopping);
                    try
                    {
                        await ClaimLoopAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        // Every started submit ends with its id recorded and reported before the store is let go.
                        try
                        {
                            await DrainAsync().ConfigureAwait(false);
                        }
                        finally
                        {
                            _poller.Complete();
                            await polling.ConfigureAwait(false);
                            await DrainAsync().ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    // Its failure is the store's, reported at the end as any other; a store that does not let go is not
                    // waited for past the grace after a stop.
                    await WithinGraceAsync(static (session, _, _) => session.DisposeAsync(), false).ConfigureAwait(false);
                }
            }
            finally
            {
                _results.TryComplete();
                Log.BatchEnded(_runner._logger, count, _limiter.Peak, _admission.StopReason ?? (_stopping.IsCancellationRequested ? "canceled" : "completed"));
            }

            if (_storeFailure is { } failure)
            {
                throw new IOException(failure.Message, failure);
            }

            _stopping.ThrowIfCancellationRequested();
        }

        /// <summary>
        /// Opens the run's session. A store that ignores the stop is not waited for past it: a session it opens later is
        /// let go as it arrives, since no run will use it.
        /// </summary>
        private async Task<BatchStoreSession> OpenAsync(BatchStore store, BatchRunSettings settings)
        {
            var opening = store.OpenAsync(settings, _stopping);
            if (opening.IsCompleted)
            {
                return await opening.ConfigureAwait(false);
            }

            var opened = opening.AsTask();
            try
            {
                return await CancelableWait.WaitAsync(opened, _stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Also when it opened just as the stop came: no run uses it either way.
                _ = opened.ContinueWith(static late => CloseLateAsync(late.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw;
            }

            static async Task CloseLateAsync(BatchStoreSession session)
            {
                try
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The run has ended: no one is left to tell.
                }
            }
        }

        /// <summary>Waits for every submit and record started so far, and for those they start in turn.</summary>
        private async Task DrainAsync()
        {
            while (true)
            {
                Task[] pending;
                lock (_submits)
                {
                    pending = [.. _submits];
                    _submits.Clear();
                }

                if (pending.Length == 0)
                {
                    return;
                }

                await Task.WhenAll(pending).ConfigureAwait(false);
            }
        }

        /// <summary>Checks every item before any is submitted, and hands them to the store in chunks.</summary>
        private async Task<int> EnqueueAsync(IEnumerable<BatchItem> items)
        {
            var chunk = new List<BatchStoreItem>(EnqueueChunk);
            var count = 0;
            // Stream does not override Equals: the key is the instance.
            Dictionary<Stream, string>? streams = null;
            foreach (var item in items)
            {
                // A lazy list may be long or endless: the caller who cancels gets control back now, not at its end.
                _stopping.ThrowIfCancellationRequested();
                ValidateKey(item?.Key);
                if (_items.ContainsKey(item!.Key))
                {
                    throw new ArgumentException($"The batch key '{item.Key}' appears more than once; keys must be unique, since the journal finds items by them.", nameof(items));
                }

                try
                {
                    Http.GenerationRequestBody.Validate(item.Request);
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException($"Batch item '{item.Key}': {ex.Message}", nameof(items), ex);
                }

                // An upload reads a stream from where it finds it: the first item's upload left one shared by two items
                // at its end, so the second was refused as an empty image although its fingerprint hashed the whole
                // photo; two uploads at a time read one position and each sent a part of it, possibly charged.
                foreach (var image in item.Request.ReferenceImages)
                {
                    if (image.Stream is { } stream)
                    {
                        if ((streams ??= []).TryGetValue(stream, out var holder) && holder != item.Key)
                        {
                            throw new ArgumentException(
                                $"Batch items '{holder}' and '{item.Key}' hold one stream as a reference image ('{image.FileName}'): each upload reads it from where the one before left it, so only one item can send it. Pass the photo as bytes (ReferenceImage.FromBytes) or as a file to use it in several items.",
                                nameof(items));
                        }

                        streams[stream] = item.Key;
                    }
                }

                BatchStoreItem stored;
                try
                {
                    stored = await BatchFingerprint.ItemAsync(item.Key, item.Request, _stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or NotSupportedException or ObjectDisposedException)
                {
                    // NotSupportedException: a stream that says it can seek but has no Length or position setter (a
                    // wrapper forwarding CanSeek only); it left the batch naming no item.
                    throw new ArgumentException($"Batch item '{item.Key}': a reference image stream could not be read to fingerprint it: {ex.Message}", nameof(items), ex);
                }

                _items.Add(item.Key, item);
                chunk.Add(stored);
                count++;
                if (chunk.Count == EnqueueChunk)
                {
                    await CancelableWait.WaitAsync(_session.EnqueueAsync(chunk, isLastChunk: false, _stopping), _stopping).ConfigureAwait(false);
                    chunk = new List<BatchStoreItem>(EnqueueChunk);
                }
            }

            await CancelableWait.WaitAsync(_session.EnqueueAsync(chunk, isLastChunk: true, _stopping), _stopping).ConfigureAwait(false);
            return count;
        }

        private async Task ClaimLoopAsync()
        {
            while (!_stopping.IsCancellationRequested && _storeFailure is null)
            {
                try
                {
                    await _limiter.AcquireAsync(_stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var slots = 1 + _limiter.TryAcquireUpTo(_options.MaxConcurrency);
                BatchClaims claims;
                try
                {
                    claims = await CancelableWait.WaitAsync(_session.ClaimAsync(slots, _stopping), _stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    _limiter.Release(slots);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    _limiter.Release(slots);
                    Fail(ex);
                    return;
                }

                _limiter.Release(slots - claims.Claims.Count);
                for (var i = 0; i < claims.Claims.Count; i++)
                {
                    if (claims.Claims[i].Kind == BatchClaimKind.Report)
                    {
                        try
                        {
                            await _reportsUnread.WaitAsync(_stopping).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // Stopped while a report waited for the reader. The reports left are only reads of the
                            // store and are dropped; any other claim starts as it would have, so an item resumed by
                            // id still ends reported with that id.
                            for (var j = i; j < claims.Claims.Count; j++)
                            {
                                if (claims.Claims[j].Kind == BatchClaimKind.Report)
                                {
                                    _limiter.Release();
                                }
                                else
                                {
                                    Start(claims.Claims[j]);
                                }
                            }

                            return;
                        }
                    }

                    Start(claims.Claims[i]);
                }

                if (claims.Claims.Count == 0)
                {
                    if (claims.Drained)
                    {
                        return;
                    }

                    // Another process still owns items that may come back to this one: ask again shortly.
                    try
                    {
                        await DelayAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }

        private void Start(BatchClaim claim)
        {
            BatchItem? item;
            bool repeated;
            lock (_items)
            {
                _items.TryGetValue(claim.Key, out item);
                repeated = item is not null && !_started.Add(claim.Key);
                if (repeated && claim.Kind != BatchClaimKind.Report)
                {
                    _repeats[claim.Key] = claim;
                }
            }

            if (repeated)
            {
                // Already in this run's hands: the copy at work ends it, and the store's claim stays with it until then
                // (handing it back now would let another worker post it too); Forget hands it back once the copy ends.
                Log.BatchClaimRepeated(_runner._logger, claim.Key, claim.Kind.ToString());
                _limiter.Release();
                if (claim.Kind == BatchClaimKind.Report)
                {
                    _reportsUnread.Release();
                }

                return;
            }

            if (item is null)
            {
                // A shared store may offer an item enqueued by another process only; this one cannot build its request.
                // A report is a read and is dropped; work is handed back, or this live worker would hold it forever.
                _limiter.Release();
                if (claim.Kind == BatchClaimKind.Report)
                {
                    _reportsUnread.Release();
                }
                else
                {
                    lock (_submits)
                    {
                        _submits.Add(ReleaseClaimAsync(claim));
                    }
                }

                return;
            }

            switch (claim.Kind)
            {
                case BatchClaimKind.Report:
                    _limiter.Release();
                    Report(item, claim.Record!);
                    break;
                case BatchClaimKind.Resume:
                    // Paid for already: follow it by id, never POST again.
                    _poller.Track(item, claim.GenerationId!, pollNow: true);
                    break;
                default:
                    lock (_submits)
                    {
                        _submits.Add(SubmitAsync(item));
                    }

                    break;
            }
        }

        /// <summary>
        /// Ends an item this run did not post: its slot freed, <paramref name="handBack"/> (the claim of a copy the store
        /// never heard submit) handed back, its result skipped with the reason.
        /// </summary>
        private void Skip(string key, string reason, BatchClaim? handBack = null)
        {
            if (TakeRepeatedResume(key) is var (item, generationId))
            {
                // The copy's own claim is not handed back: the store gave the item to this worker to follow, and a fleet
                // store let go of it (no owner), so another worker could follow it too while this one did.
                _poller.Track(item, generationId, pollNow: true);
                return;
            }

            EndSkipped(key, reason, handBack);
        }

        /// <summary>Ends a skipped item that follows no offered job: the rest of <see cref="Skip"/>.</summary>
        private void EndSkipped(string key, string reason, BatchClaim? handBack = null)
        {
            if (handBack is not null)
            {
                HandBack(handBack);
            }

            _limiter.Release();
            Forget(key);
            Write(new BatchItemResult { Key = key, Status = BatchItemStatus.Skipped, Reason = reason });
        }

        private void Report(BatchItem item, BatchRecord record)
        {
            Forget(item.Key);
            Write(record.Event switch
            {
                BatchJournalEvent.Succeeded => new BatchItemResult { Key = item.Key, Status = BatchItemStatus.Succeeded, GenerationId = record.GenerationId, Generation = record.Generation, FromJournal = true },
                BatchJournalEvent.Failed => new BatchItemResult { Key = item.Key, Status = BatchItemStatus.Failed, GenerationId = record.GenerationId, Reason = $"{record.Error}: {record.Message}", FromJournal = true },
                _ => Unknown(item.Key, record.GenerationId, error: null, fromJournal: true),
            });
        }

        private async Task SubmitAsync(BatchItem item)
        {
            var (credits, skip) = await PriceAsync(item).ConfigureAwait(false);
            var begun = skip is null;

            // Set when the store heard of a submit this copy then gave up before its POST: how it is recorded not sent.
            (string Error, string Reason)? unsent = null;
            if (skip is null)
            {
                try
                {
                    // Durable before the POST: a submit whose "submitting" record failed is never sent.
                    var start = await CancelableWait.WaitAsync(_session.BeginSubmitAsync(item.Key, credits, _stopping), _stopping).ConfigureAwait(false);
                    if (start != BatchSubmitStart.Recorded)
                    {
                        skip = _admission.Refused(start, credits ?? 0);
                    }
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    // Stopped while the store wrote the "submitting" record: if it landed, every later run read the item as
                    // possibly charged (unknown, never posted again, its credits counted), though nothing was sent. It is
                    // recorded not sent, within the record grace; a store that cannot in time leaves it unknown, never worse.
                    skip = CanceledSkip;
                    unsent = (nameof(OperationCanceledException), skip);
                }
                catch (Exception ex)
                {
                    // Whatever a store throws (its own timeout included), nothing is sent whose record it did not confirm.
                    var failure = Fail(ex);
                    skip = $"Not submitted: the batch stopped because its store failed ({failure.Message}).";
                }
            }

            if (skip is null && _runner.ClientDisposed)
            {
                // Disposed since the price was taken: the POST is not made, and the store learns that, so the
                // "submitting" record just written does not leave the item unknown for the next run.
                skip = ClientDisposedSkip;
                unsent = (nameof(ObjectDisposedException), skip);
                _admission.Stop(skip);
            }

            if (unsent is { } givenUp)
            {
                await SkipUnsentAsync(item, givenUp.Error, givenUp.Reason).ConfigureAwait(false);
                return;
            }

            if (skip is not null)
            {
                // Skipped before the store heard of a submit (the batch stopped submitting, no price under a budget): the
                // claim is handed back, or a shared store keeps it this live worker's and never calls it drained. Another
                // worker, or a later run, may post it. Unless Skip follows the item instead (see there).
                Skip(item.Key, skip, begun ? null : new BatchClaim(item.Key, BatchClaimKind.Submit));
                return;
            }

            GenerationOperation operation;

            // What the SDK's own submits do within this call: a decorator's may be more than one. They take the batch's
            // stop from the watch as one before sending, whether the client is the SDK's or a decorator of it: it ends the
            // preparation and sends no retry (a 429 answered after the stop), never the POST on the wire.
            var watch = ThrownBySubmit.Watch(_stopping);
            try
            {
                // Not the caller's token: a submit that has started must end with its id known.
                operation = await _runner._client.StartImageGenerationAsync(item.Request, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ThrownBySubmit.StopWatching();
                var outcome = ChargeClassifier.ClassifyReturned(ex, watch);
                if (outcome == SubmitOutcome.NotSent && ex is OperationCanceledException && _stopping.IsCancellationRequested)
                {
                    // Stopped while the submit prepared: skipped as a stop before the POST is, and recorded not sent.
                    await SkipUnsentAsync(item, nameof(OperationCanceledException), CanceledSkip).ConfigureAwait(false);
                    return;
                }

                var recorded = JournalEventFor(outcome);
                var (generationId, follow, paidIds) = NamedJob(ex, watch);
                if (outcome == SubmitOutcome.PossiblyCharged && follow)
                {
                    // The service named the job before the submit failed (its answer broke off after the id, say): it
                    // exists and is paid for, so it is followed by id like any posted item, to its images or its refund,
                    // and a rerun resumes it. Never posted again.
                    Log.BatchSubmitFailedAfterId(_runner._logger, generationId!, ex.GetType().Name);
                    await FollowAsync(item, generationId!, pollNow: true).ConfigureAwait(false);
                    return;
                }

                // The message may be a consumer's (a decorator's or a handler's own exception, which the SDK passes on as it is):
                // one that quotes the key must not put it into the journal, a shared store's table or the result.
                var reason = SecretRedaction.Redact(ex.Message, _runner._apiKey);
                var message = paidIds.Count > 1 ? $"{reason} (the submit paid for generations {Quoted(paidIds)})" : reason;
                await RecordAsync(new BatchRecord(item.Key, recorded) { GenerationId = generationId, Credits = SeveralPaid(credits, paidIds.Count), Error = ex.GetType().Name, Message = message }).ConfigureAwait(false);
                if (outcome != SubmitOutcome.PossiblyCharged)
                {
                    // Stopped before the slot is freed, so the next item cannot slip through in between.
                    _admission.StopIfFatal(ex, item.Key);
                }

                _limiter.Release();
                Forget(item.Key);
                Write(outcome == SubmitOutcome.PossiblyCharged
                    ? Unknown(item.Key, generationId, ex, fromJournal: false, paidIds)
                    : new BatchItemResult { Key = item.Key, Status = BatchItemStatus.Failed, Error = ex, Reason = reason });
                return;
            }

            ThrownBySubmit.StopWatching();
            var paid = watch.PaidIds();
            if (paid.Count > 1 || (paid.Count == 1 && !string.Equals(paid[0], operation.Id, StringComparison.Ordinal)))
            {
                // The client returned a job, but its watched submits paid for another one too (a decorator's own retry
                // that returns the second job) or for another one only (a decorator that swallowed the SDK's failure
                // and returned an operation of its own making). Following the returned job left every other paid job
                // in no result or journal line: the item is reported unknown, charged, naming each, never posted again.
                var named = paid.Contains(operation.Id, StringComparer.Ordinal) ? paid : [.. paid, operation.Id];
                var generationId = paid.Contains(operation.Id, StringComparer.Ordinal) ? operation.Id : paid[paid.Count - 1];
                var message = $"The client returned generation '{operation.Id}', but its submits paid for generations {Quoted(paid)}.";
                Log.BatchSubmitPaidSeveral(_runner._logger, operation.Id, string.Join(", ", paid));
                await RecordAsync(new BatchRecord(item.Key, BatchJournalEvent.Unknown) { GenerationId = generationId, Credits = SeveralPaid(credits, named.Count), Error = "SeveralGenerationsPaid", Message = message }).ConfigureAwait(false);
                _limiter.Release();
                Forget(item.Key);
                Write(Unknown(item.Key, generationId, error: null, fromJournal: false, named));
                return;
            }

            await FollowAsync(item, operation.Id, pollNow: operation.Value.Status.IsTerminal).ConfigureAwait(false);
        }

        /// <summary>
        /// The job a failed submit names, and whether it is known to be this call's paid job, to follow as this item's.
        /// </summary>
        /// <remarks>
        /// The watch knows the jobs the SDK's own submits in this call paid for. Any other exception may name a job this
        /// call never paid for: a decorator that reads another job after its submit (another item's, another account's)
        /// passes on that read's 404 or failure, and following that id reported another job's outcome, even its images,
        /// as this item's while the job this submit paid for was in no result or journal line. So a job is followed
        /// only when the watched submits named exactly that one; when they named none and no SDK submit ran under the
        /// watch (a client other than the SDK's, or a submit run off the call's execution context), the exception's id
        /// is all there is. A call that paid for several jobs (a decorator's own retry) is reported unknown, naming each.
        /// </remarks>
        private static (string? GenerationId, bool Follow, IReadOnlyList<string> PaidIds) NamedJob(Exception exception, ThrownBySubmit watch)
        {
            var thrownId = ChargeClassifier.PaidId(exception);
            var paidIds = watch.PaidIds();
            return paidIds.Count switch
            {
                1 => (paidIds[0], true, paidIds),
                0 => (thrownId, thrownId is not null && !watch.SawSubmit, paidIds),
                _ => (thrownId is not null && paidIds.Contains(thrownId, StringComparer.Ordinal) ? thrownId : paidIds[paidIds.Count - 1], false, paidIds),
            };
        }

        /// <summary>
        /// Ends a copy the store heard submit, given up before its POST: recorded not sent, so the next run does not
        /// hold the item back as possibly charged, then skipped.
        /// </summary>
        /// <remarks>
        /// Unless the store offers the item meanwhile to follow a job posted for it (by a worker that took this one for
        /// dead), which is then followed. A not-sent record over that worker's submitted one, in a store that keeps the
        /// last record, read the item as never sent, and the next run posted it again: none is made once the offer is
        /// here, and one made as it came is followed by the job's submitted record again. The job's submitted record is
        /// written again in either case, after the copy's own "submitting" one.
        /// </remarks>
        private async Task SkipUnsentAsync(BatchItem item, string error, string reason)
        {
            if (TakeRepeatedResume(item.Key) is not var (offered, generationId))
            {
                await RecordAsync(new BatchRecord(item.Key, BatchJournalEvent.NotSent) { Error = error, Message = reason }).ConfigureAwait(false);
                if (TakeRepeatedResume(item.Key) is not var (late, lateId))
                {
                    EndSkipped(item.Key, reason);
                    return;
                }

                await FollowAsync(late, lateId, pollNow: true).ConfigureAwait(false);
                return;
            }

            // Recorded again: this copy's own "submitting" record may have landed after the other worker's submitted one
            // (the copy gave up only once it was written, as when the client was disposed), and left as the store's last
            // word it made every later run report the paid job unknown instead of following it.
            await FollowAsync(offered, generationId, pollNow: true).ConfigureAwait(false);
        }

        /// <summary>A posted item's job, named by the service: recorded with its id, then polled to its outcome.</summary>
        private async Task FollowAsync(BatchItem item, string generationId, bool pollNow)
        {
            await RecordAsync(new BatchRecord(item.Key, BatchJournalEvent.Submitted) { GenerationId = generationId }).ConfigureAwait(false);
            _poller.Track(item, generationId, pollNow);
        }

        private async Task<(long? Credits, string? Skip)> PriceAsync(BatchItem item)
        {
            if (_storeFailure is not null)
            {
                return (null, $"Not submitted: the batch stopped because its store failed ({_storeFailure.Message}).");
            }

            if (_stopping.IsCancellationRequested)
            {
                return (null, CanceledSkip);
            }

            if (_runner.ClientDisposed)
            {
                // Every later item would fail unsent as well: the batch stops submitting.
                _admission.Stop(ClientDisposedSkip);
                return (null, ClientDisposedSkip);
            }

            try
            {
                return await _admission.PriceAsync(item, _stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return (null, CanceledSkip);
            }
        }

        /// <summary>A job's wait ended: record a final outcome, or report a paid job that is not finished.</summary>
        private void Finished(BatchPoller.PolledJob job, ImageGeneration? generation, Exception? error)
        {
            var key = job.Item.Key;
            BatchItemResult result;
            if (generation is { } done && done.Status == GenerationStatus.Succeeded)
            {
                // What the service says the job cost. An answer that does not say (no usage, or no credits in it), or says
                // less than nothing (broken or hostile), leaves the store counting the price reserved for the job: counted
                // as free, it would give back credits spent and let the budget admit items it has no room for.
                long? credits = done.Usage is { CreditsMissing: false, Credits: >= 0 } usage ? usage.Credits : null;
                Record(new BatchRecord(key, BatchJournalEvent.Succeeded) { GenerationId = done.Id, Credits = credits, Generation = done });
                result = new BatchItemResult { Key = key, Status = BatchItemStatus.Succeeded, GenerationId = done.Id, Generation = done };
            }
            else if (generation is { } failed)
            {
                var exception = Polling.GenerationPoller.Failed(failed, _runner._apiKey);
                Record(new BatchRecord(key, BatchJournalEvent.Failed) { GenerationId = failed.Id, Error = exception.GetType().Name, Message = exception.Message });
                result = new BatchItemResult { Key = key, Status = BatchItemStatus.Failed, GenerationId = failed.Id, Error = exception, Reason = exception.Message };
            }
            else
            {
                // A timeout, a stop or a poll error says nothing final about the job: the store keeps it "submitted" for the next run.
                if (error is not null)
                {
                    _admission.StopIfFatal(error, key);
                }

                result = new BatchItemResult
                {
                    Key = key,
                    Status = BatchItemStatus.Incomplete,
                    GenerationId = job.GenerationId,
                    Error = error,
                    Reason = $"Submitted and paid for as generation '{job.GenerationId}', but the batch stopped waiting ({(error is null ? null : SecretRedaction.Redact(error.Message, _runner._apiKey))}). Run the batch again with the same journal, or WaitForGenerationAsync(\"{job.GenerationId}\"), to get its images without paying again.",
                };
            }

            if (result.Status == BatchItemStatus.Incomplete)
            {
                // This worker follows the job no longer. A shared store that waits for it before it calls this session
                // drained would wait for ever (the item stays this live worker's): it is handed back, still with its id,
                // for another worker or a later run to resume by id, never to post.
                HandBack(new BatchClaim(key, BatchClaimKind.Resume) { GenerationId = job.GenerationId });
            }

            // Freed only once the outcome is recorded, so the next submit sees the settled budget.
            _limiter.Release();
            Forget(key);
            Write(result);
        }

        /// <summary>
        /// Records a step; a store that fails stops the batch (reported at its end) but never loses the
        /// result in hand, which carries the id. A caller who cancels while a shared store is out does
        /// not wait for it: the item then stays "submitting" there, which the next run reports unknown.
        /// </summary>
        /// <remarks>
        /// A record is a step of a job that was posted: its id, its outcome, or why it was not charged. Cancelled with the
        /// caller's stop, a fleet store dropped the write of a paid job's id and kept the item "submitting" with none, so
        /// every later run reported it unknown with nothing to follow. So a record outlives the stop by
        /// <see cref="RecordGrace"/>, counted from the stop or from the record's start if that is later (a submit in flight
        /// is let finish however long the service takes): a stopped batch still ends during an outage, its result keeping the id.
        /// </remarks>
        private Task RecordAsync(BatchRecord record) =>
            WithinGraceAsync(static (session, record, recording) => session.RecordAsync(record, recording), record);

        /// <summary>A store step that outlives the stop by <see cref="RecordGrace"/>, as <see cref="RecordAsync"/> explains.</summary>
        private async Task WithinGraceAsync<T>(Func<BatchStoreSession, T, CancellationToken, ValueTask> step, T argument)
        {
#if NET8_0_OR_GREATER
            using var grace = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _runner._time);
#else
            // CancelAfter runs on the system clock here: the grace is a bound, not something a test fakes on this target.
            using var grace = _runner._time.CreateCancellationTokenSource(Timeout.InfiniteTimeSpan);
#endif
            using var onStop = _stopping.Register(static grace => ((CancellationTokenSource)grace!).CancelAfter(RecordGrace), grace);
            await StoreAsync(step, argument, grace.Token).ConfigureAwait(false);
        }

        /// <summary>Hands back a claim on another worker's item, which this one cannot build; a store that cannot is a failed store (<see cref="ReleaseOwnClaimAsync"/> for this worker's own).</summary>
        private Task ReleaseClaimAsync(BatchClaim claim) => StoreAsync(static (session, claim, stopping) => session.ReleaseClaimAsync(claim, stopping), claim);

        /// <summary>
        /// Hands back a claim on an item of this worker's own that it will not finish. A store that cannot hand claims
        /// back (<see cref="BatchStoreSession.ReleaseClaimAsync"/> not overridden) offers its sessions only their own
        /// items, as the file store does, and has nothing to do for one; so, unlike another worker's item, this is no
        /// failure of the store.
        /// </summary>
        private Task ReleaseOwnClaimAsync(BatchClaim claim) => StoreAsync(
            static async (session, claim, stopping) =>
            {
                try
                {
                    await session.ReleaseClaimAsync(claim, stopping).ConfigureAwait(false);
                }
                catch (NotSupportedException)
                {
                }
            },
            claim);

        private async Task StoreAsync<T>(Func<BatchStoreSession, T, CancellationToken, ValueTask> step, T argument, CancellationToken? until = null)
        {
            var token = until ?? _stopping;
            try
            {
                // A store that ignores the token is not waited for past it: the batch stays stoppable.
                await CancelableWait.WaitAsync(step(_session, argument, token), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // Any failure of the store, not only an IOException: the result in hand is reported all the same.
                Fail(ex);
            }
        }

        private void HandBack(BatchClaim claim) => Pending(ReleaseOwnClaimAsync(claim));

        private void Record(BatchRecord record) => Pending(RecordAsync(record));

        /// <summary>A store step started outside a submit: the run waits for it before it lets the store go.</summary>
        private void Pending(Task pending)
        {
            if (!pending.IsCompleted)
            {
                lock (_submits)
                {
                    _submits.Add(pending);
                }
            }
        }

        /// <summary>Stops the batch for a store that failed; the batch ends with an <see cref="IOException"/> whatever the store threw.</summary>
        private IOException Fail(Exception exception)
        {
            var failure = exception as IOException ?? new IOException($"The batch store failed: {exception.Message}", exception);
            Interlocked.CompareExchange(ref _storeFailure, failure, null);
            _admission.Stop($"Not submitted: the batch stopped because its store failed ({failure.Message}).");
            return failure;
        }

        /// <summary>
        /// The item and job of a <see cref="BatchClaimKind.Resume"/> the store offered while a copy had the item (its claim
        /// lost to a worker that took this one for dead, posted it, and died), taken off the repeats: the copy that gives
        /// the item up follows it in its slot, never posting.
        /// </summary>
        /// <remarks>
        /// Handed back instead, as other repeats are once the copy ends, the run reported the item skipped without the
        /// id of the job it had been told was paid for.
        /// </remarks>
        private (BatchItem Item, string GenerationId)? TakeRepeatedResume(string key)
        {
            lock (_items)
            {
                if (_repeats.TryGetValue(key, out var repeat) && repeat is { Kind: BatchClaimKind.Resume, GenerationId: { } generationId }
                    && _items.TryGetValue(key, out var item))
                {
                    _repeats.Remove(key);
                    return (item, generationId);
                }
            }

            return null;
        }

        private void Forget(string key)
        {
            BatchClaim? repeat;
            lock (_items)
            {
                _items.Remove(key);
                _started.Remove(key);
                if (_repeats.TryGetValue(key, out repeat))
                {
                    _repeats.Remove(key);
                }
            }

            if (repeat is not null)
            {
                // The copy that had the item is done with it; the claim the store offered again meanwhile is handed
                // back as one this run will not work on (an item already reported is not started a second time), so the
                // store does not keep it this live worker's. A store that settled the item ignores the hand-back.
                HandBack(repeat);
            }
        }

        /// <summary>
        /// What an item whose submit paid for several jobs (a decorator's own retry) may have cost: one price each. Counted
        /// as one (the reservation), the budget let the batch admit items it had no room for. Null keeps the reservation.
        /// </summary>
        private static long? SeveralPaid(long? price, int jobs) => jobs > 1 ? price * jobs : null;

        /// <summary>Generation ids as a message names them: <c>'a', 'b'</c>.</summary>
        private static string Quoted(IReadOnlyList<string> ids) => $"'{string.Join("', '", ids)}'";

        private static BatchItemResult Unknown(string key, string? generationId, Exception? error, bool fromJournal, IReadOnlyList<string>? paidIds = null) => new()
        {
            Key = key,
            Status = BatchItemStatus.Unknown,
            GenerationId = generationId,
            Error = error,
            FromJournal = fromJournal,
            Reason = generationId is null
                ? "Unknown, possibly charged: the submit may have reached the service but its generation id never came back. It is not submitted again unless BatchOptions.ResubmitUnknown is set."
                : paidIds is { Count: > 1 }
                    ? $"Unknown, charged: the client's submit named several generations ({Quoted(paidIds)}), each possibly paid for. It is never submitted again; follow each by id (WaitForGenerationAsync, gih wait)."
                    : $"Unknown, charged: the service named generation '{generationId}' before the submit failed. It is never submitted again; follow it by id (WaitForGenerationAsync, gih wait).",
        };

        private void Write(BatchItemResult result) => _results.TryWrite(result);

        private Task DelayAsync(TimeSpan delay) =>
#if NET8_0_OR_GREATER
            Task.Delay(delay, _runner._time, _stopping);
#else
            _runner._time.Delay(delay, _stopping);
#endif
    }
}
