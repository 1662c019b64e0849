using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptImageHub.Sdk.Diagnostics;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Http;
using GptImageHub.Sdk.Polling;
using Microsoft.Extensions.Logging;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Runs a batch: replays the journal, resumes submitted jobs by id, then submits the rest with at
/// most <see cref="BatchOptions.MaxConcurrency"/> on the service, inside the budget, and polls every
/// waiting job from one shared loop. Results stream out in completion order.
/// </summary>
internal sealed class BatchRunner
{
    private readonly GptImageHubClient _client;
    private readonly GenerationPoller _poller;
    private readonly ClientSettings _settings;
    private readonly ILogger _logger;

    public BatchRunner(GptImageHubClient client, GenerationPoller poller, ClientSettings settings, ILogger logger)
    {
        _client = client;
        _poller = poller;
        _settings = settings;
        _logger = logger;
    }

    public async IAsyncEnumerable<BatchItemResult> RunAsync(IEnumerable<BatchItem> items, BatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = Validate(items, options);
        using var journal = options.JournalPath is null ? null : BatchJournal.Open(options.JournalPath, _settings.TimeProvider);
        var results = Channel.CreateUnbounded<BatchItemResult>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var run = new Run(this, options, journal, results.Writer, stop.Token);
        var work = run.ExecuteAsync(list);
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return result;
            }

            await work.ConfigureAwait(false);
        }
        finally
        {
            // A caller that stops reading early ends the batch too; submits already started still finish and are journaled.
            stop.Cancel();
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static List<BatchItem> Validate(IEnumerable<BatchItem> items, BatchOptions options)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.MaxConcurrency is < 1 or > 1024)
        {
            throw new ArgumentException($"BatchOptions.MaxConcurrency must be between 1 and 1024 but is {options.MaxConcurrency}.", nameof(options));
        }

        if (options.CreditBudget < 0)
        {
            throw new ArgumentException($"BatchOptions.CreditBudget must not be negative but is {options.CreditBudget}.", nameof(options));
        }

        var list = items.ToList();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item is null || string.IsNullOrWhiteSpace(item.Key))
            {
                throw new ArgumentException("Every batch item needs a non-empty key.", nameof(items));
            }

            if (!keys.Add(item.Key))
            {
                throw new ArgumentException($"The batch key '{item.Key}' appears more than once; keys must be unique, since the journal finds items by them.", nameof(items));
            }

            try
            {
                GenerationRequestBody.Validate(item.Request);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Batch item '{item.Key}': {ex.Message}", nameof(items), ex);
            }
        }

        return list;
    }

    /// <summary>The state of one run of a batch.</summary>
    private sealed class Run : IDisposable
    {
        private readonly BatchRunner _runner;
        private readonly BatchOptions _options;
        private readonly BatchJournal? _journal;
        private readonly ChannelWriter<BatchItemResult> _results;
        private readonly CancellationToken _cancellationToken;
        private readonly InFlightLimiter _limiter;
        private readonly BatchPoller _poller;
        private readonly object _gate = new();
        private readonly Dictionary<string, long> _reserved = new(StringComparer.Ordinal);
        private long _spent;
        private string? _stopReason;

        public Run(BatchRunner runner, BatchOptions options, BatchJournal? journal, ChannelWriter<BatchItemResult> results, CancellationToken cancellationToken)
        {
            _runner = runner;
            _options = options;
            _journal = journal;
            _results = results;
            _cancellationToken = cancellationToken;
            _limiter = new InFlightLimiter(options.MaxConcurrency);
            _poller = new BatchPoller(runner._poller, runner._settings.Polling, runner._settings.TimeProvider, options.MaxConcurrency, FinishedAsync);
        }

        public async Task ExecuteAsync(List<BatchItem> items)
        {
            var polling = _poller.RunAsync(_cancellationToken);
            var submits = new List<Task>();
            try
            {
                var pending = await ReplayAsync(items).ConfigureAwait(false);
                foreach (var item in pending)
                {
                    try
                    {
                        await _limiter.AcquireAsync(_cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    var skip = await CheckAsync(item).ConfigureAwait(false);
                    if (skip is not null)
                    {
                        _limiter.Release();
                        Write(new BatchItemResult { Key = item.Key, Status = BatchItemStatus.Skipped, Reason = skip });
                        continue;
                    }

                    // Journaled before the POST: from here on the submit always completes, so its id is recorded.
                    _journal?.Append(new JournalEntry { Event = JournalEvents.Submitting, Key = item.Key });
                    submits.Add(SubmitAsync(item));
                }

                await Task.WhenAll(submits).ConfigureAwait(false);
                _poller.Complete();
                await polling.ConfigureAwait(false);
            }
            finally
            {
                _poller.Complete();
                _results.TryComplete();
                Log.BatchEnded(_runner._logger, items.Count, _limiter.Peak, Volatile.Read(ref _stopReason) ?? "completed");
            }

            _cancellationToken.ThrowIfCancellationRequested();
        }

        public void Dispose() => _poller.Dispose();

        /// <summary>Reports what the journal already knows and resumes submitted jobs; returns the items still to submit.</summary>
        private async Task<List<BatchItem>> ReplayAsync(List<BatchItem> items)
        {
            var history = _journal?.History ?? new Dictionary<string, JournalItem>();
            Log.BatchStarting(_runner._logger, items.Count, items.Count(i => history.ContainsKey(i.Key)), _options.MaxConcurrency);
            var pending = new List<BatchItem>();
            foreach (var item in items)
            {
                if (!history.TryGetValue(item.Key, out var known) || known.State is JournalEvents.Rejected)
                {
                    pending.Add(item);
                    continue;
                }

                switch (known.State)
                {
                    case JournalEvents.Succeeded:
                        AddSpent(known.Credits ?? known.Generation?.Usage?.Credits ?? 0);
                        Write(new BatchItemResult { Key = item.Key, Status = BatchItemStatus.Succeeded, GenerationId = known.GenerationId, Generation = known.Generation, FromJournal = true });
                        break;
                    case JournalEvents.Failed:
                        Write(new BatchItemResult
                        {
                            Key = item.Key,
                            Status = BatchItemStatus.Failed,
                            GenerationId = known.GenerationId,
                            Reason = $"{known.Error}: {known.Message}",
                            FromJournal = true,
                        });
                        break;
                    case JournalEvents.Submitted when known.GenerationId is { } id:
                        // Paid for already: follow it by id, never POST again.
                        _limiter.ForceAcquire();
                        await ReserveAsync(item).ConfigureAwait(false);
                        _poller.Track(item, new ImageGeneration { Id = id, Status = default }, pollNow: true);
                        break;
                    default:
                        if (_options.ResubmitUnknown)
                        {
                            pending.Add(item);
                        }
                        else
                        {
                            AddSpent(await EstimateOrZeroAsync(item).ConfigureAwait(false));
                            Write(Unknown(item.Key, error: null, fromJournal: true));
                        }

                        break;
                }
            }

            return pending;
        }

        /// <summary>Why an item must not be submitted now, or null: the batch stopped, or the budget does not allow it.</summary>
        private async Task<string?> CheckAsync(BatchItem item)
        {
            var stopReason = Volatile.Read(ref _stopReason);
            if (stopReason is not null)
            {
                return stopReason;
            }

            if (_options.CreditBudget is not { } budget)
            {
                return null;
            }

            CreditEstimate estimate;
            try
            {
                estimate = await _runner._client.EstimateCreditsAsync(item.Request, _cancellationToken).ConfigureAwait(false);
            }
            catch (GptImageHubException ex)
            {
                return $"Not submitted: its price could not be estimated ({ex.Message}).";
            }

            if (estimate.Credits is not { } credits)
            {
                return $"Not submitted: the budget cannot be kept for an item whose price is unknown ({estimate.Reason}).";
            }

            lock (_gate)
            {
                if (_spent + credits > budget)
                {
                    return $"Not submitted: its {credits} credits would take the batch to {_spent + credits}, past its budget of {budget}.";
                }

                _spent += credits;
                _reserved[item.Key] = credits;
            }

            return null;
        }

        private async Task SubmitAsync(BatchItem item)
        {
            ImageGeneration generation;
            try
            {
                // Not the caller's token: a submit that has started must end with its id known.
                generation = await _runner._client.SubmitAsync(item.Request, submitAsync: true, _runner._settings.RequestTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ChargeClassifier.Classify(ex) is not SubmitOutcome.PossiblyCharged)
            {
                _journal?.Append(new JournalEntry { Event = JournalEvents.Rejected, Key = item.Key, Error = ex.GetType().Name, Message = ex.Message });
                Unreserve(item.Key);

                // Stopped before the slot is freed, so the next item cannot slip through in between.
                if (ex is InsufficientCreditsException or UnauthorizedException)
                {
                    Interlocked.CompareExchange(ref _stopReason, $"Not submitted: the batch stopped after {ex.GetType().Name} on item '{item.Key}'.", null);
                }

                _limiter.Release();

                Write(new BatchItemResult { Key = item.Key, Status = BatchItemStatus.Failed, Error = ex, Reason = ex.Message });
                return;
            }
            catch (Exception ex)
            {
                _journal?.Append(new JournalEntry { Event = JournalEvents.Unknown, Key = item.Key, Error = ex.GetType().Name, Message = ex.Message });
                _limiter.Release();
                Write(Unknown(item.Key, ex, fromJournal: false));
                return;
            }

            _journal?.Append(new JournalEntry { Event = JournalEvents.Submitted, Key = item.Key, GenerationId = generation.Id });
            _poller.Track(item, generation, pollNow: generation.Status.IsTerminal);
        }

        private Task FinishedAsync(BatchPoller.PolledJob job, ImageGeneration? generation, Exception? error)
        {
            var key = job.Item.Key;
            BatchItemResult result;
            if (generation is { } done && done.Status == GenerationStatus.Succeeded)
            {
                var credits = done.Usage?.Credits ?? 0;
                _journal?.Append(new JournalEntry { Event = JournalEvents.Succeeded, Key = key, GenerationId = done.Id, Credits = credits, Generation = done });
                Settle(key, credits);
                result = new BatchItemResult { Key = key, Status = BatchItemStatus.Succeeded, GenerationId = done.Id, Generation = done };
            }
            else if (generation is { } failed)
            {
                var exception = GenerationPoller.Failed(failed);
                _journal?.Append(new JournalEntry { Event = JournalEvents.Failed, Key = key, GenerationId = failed.Id, Error = exception.GetType().Name, Message = exception.Message });
                Settle(key, 0);
                result = new BatchItemResult { Key = key, Status = BatchItemStatus.Failed, GenerationId = failed.Id, Error = exception, Reason = exception.Message };
            }
            else
            {
                // A timeout or a poll error says nothing final about the job: the journal keeps it "submitted" for the next run.
                if (error is UnauthorizedException)
                {
                    Interlocked.CompareExchange(ref _stopReason, $"Not submitted: the batch stopped after {error.GetType().Name} on item '{key}'.", null);
                }

                result = new BatchItemResult { Key = key, Status = BatchItemStatus.Failed, GenerationId = job.Current.Id, Error = error, Reason = error?.Message };
            }

            // Freed only once the outcome is journaled and the spend settled, so the next submit sees both.
            _limiter.Release();
            Write(result);
            return Task.CompletedTask;
        }

        private static BatchItemResult Unknown(string key, Exception? error, bool fromJournal) => new()
        {
            Key = key,
            Status = BatchItemStatus.Unknown,
            Error = error,
            FromJournal = fromJournal,
            Reason = "Unknown, possibly charged: the submit was started but its generation id never came back. It is not submitted again unless BatchOptions.ResubmitUnknown is set.",
        };

        private async Task ReserveAsync(BatchItem item)
        {
            var credits = await EstimateOrZeroAsync(item).ConfigureAwait(false);
            lock (_gate)
            {
                _spent += credits;
                _reserved[item.Key] = credits;
            }
        }

        private async Task<long> EstimateOrZeroAsync(BatchItem item)
        {
            if (_options.CreditBudget is null)
            {
                return 0;
            }

            try
            {
                return (await _runner._client.EstimateCreditsAsync(item.Request, _cancellationToken).ConfigureAwait(false)).Credits ?? 0;
            }
            catch (GptImageHubException)
            {
                return 0;
            }
        }

        private void Settle(string key, long actual)
        {
            lock (_gate)
            {
                _spent += actual - (_reserved.TryGetValue(key, out var reserved) ? reserved : 0);
                _reserved.Remove(key);
            }
        }

        private void Unreserve(string key) => Settle(key, 0);

        private void AddSpent(long credits)
        {
            lock (_gate)
            {
                _spent += credits;
            }
        }

        private void Write(BatchItemResult result) => _results.TryWrite(result);
    }
}
