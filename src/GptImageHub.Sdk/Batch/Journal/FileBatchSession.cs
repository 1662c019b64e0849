namespace GptImageHub.Sdk.Batch;

/// <summary>
/// A run over the file journal (or over memory alone). Keys are claimed once per run, in enqueue
/// order; the budget counts what earlier runs spent or left unknown, plus every reservation of this run.
/// </summary>
internal sealed class FileBatchSession : BatchStoreSession
{
    private readonly BatchJournal? _journal;
    private readonly BatchRunSettings _settings;
    private readonly Dictionary<string, JournalItem> _history;
    private readonly Queue<BatchStoreItem> _queue = new();
    private readonly Dictionary<string, string> _fingerprints = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private long _committed;
    private bool _enqueued;

    public FileBatchSession(BatchJournal? journal, BatchRunSettings settings)
    {
        _journal = journal;
        _settings = settings;
        _history = journal?.History ?? new Dictionary<string, JournalItem>(StringComparer.Ordinal);
        foreach (var item in _history.Values)
        {
            _committed += Committed(item);
        }
    }

    public override ValueTask EnqueueAsync(IReadOnlyList<BatchStoreItem> items, bool isLastChunk, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var item in items)
            {
                if (_history.TryGetValue(item.Key, out var known) && known.Fingerprint is { } recorded && recorded != item.Fingerprint)
                {
                    throw new ArgumentException(
                        $"Batch item '{item.Key}' was submitted by an earlier run with a different request (the journal '{_journal?.Path}' keeps its fingerprint). Give the changed item a new key, or use a new journal.",
                        nameof(items));
                }

                _queue.Enqueue(item);
            }

            _enqueued |= isLastChunk;
            if (isLastChunk)
            {
                RefuseMovedItems();
            }
        }

        return default;
    }

    /// <summary>
    /// Refuses an item new to the journal whose request an earlier run submitted under a key this run does not have.
    /// That is a line that moved in its file (a comment or a blank line added above it gives it another line-number
    /// key): taken for a new item, it was paid for again. All items are enqueued before the first claim.
    /// </summary>
    private void RefuseMovedItems()
    {
        var enqueued = new HashSet<string>(_queue.Select(item => item.Key), StringComparer.Ordinal);
        var paidElsewhere = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var known in _history.Values)
        {
            if (known.Fingerprint is { } fingerprint && !enqueued.Contains(known.Key)
                && known.State is BatchJournalEvent.Submitting or BatchJournalEvent.Submitted or BatchJournalEvent.Unknown or BatchJournalEvent.Succeeded)
            {
                paidElsewhere[fingerprint] = known.Key;
            }
        }

        if (paidElsewhere.Count == 0)
        {
            return;
        }

        foreach (var item in _queue)
        {
            if (!_history.ContainsKey(item.Key) && paidElsewhere.TryGetValue(item.Fingerprint, out var earlier))
            {
                // A stream that cannot seek is compared by its name: say so, since the photos may differ.
                var uncompared = item.Uncompared is { } images
                    ? $" Its {images} is a stream that cannot seek, so its bytes could not be compared, only its name; if it is another photo, pass it as bytes or as a stream that can seek."
                    : string.Empty;
                throw new ArgumentException(
                    $"Batch item '{item.Key}' has the same request as item '{earlier}', which an earlier run submitted (the journal '{_journal?.Path}' keeps it) and this run no longer has: a line that moved in its file gets a new key and would be paid for again. Give it back the key '{earlier}', or use a new journal to submit it again.{uncompared}",
                    "items");
            }
        }
    }

    public override ValueTask<BatchClaims> ClaimAsync(int maxCount, CancellationToken cancellationToken)
    {
        var claims = new List<BatchClaim>(Math.Min(maxCount, 64));
        lock (_gate)
        {
            while (claims.Count < maxCount && _queue.Count > 0)
            {
                var item = _queue.Dequeue();
                _fingerprints[item.Key] = item.Fingerprint;
                claims.Add(Claim(item.Key));
            }

            return new ValueTask<BatchClaims>(new BatchClaims(claims, _enqueued && _queue.Count == 0));
        }
    }

    public override ValueTask<BatchSubmitStart> BeginSubmitAsync(string key, long? credits, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // One process owns the journal, so a claim is never lost to another worker: only the budget refuses.
            if (_settings.CreditBudget is { } budget && credits is { } price && _committed + price > budget)
            {
                return new ValueTask<BatchSubmitStart>(BatchSubmitStart.OverBudget);
            }

            _fingerprints.TryGetValue(key, out var fingerprint);
            Append(new JournalEntry { Event = BatchJournalEvent.Submitting, Key = key, Fingerprint = fingerprint, Credits = credits });
            return new ValueTask<BatchSubmitStart>(BatchSubmitStart.Recorded);
        }
    }

    public override ValueTask RecordAsync(BatchRecord record, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Append(new JournalEntry
            {
                Event = record.Event,
                Key = record.Key,
                GenerationId = record.GenerationId,
                Credits = record.Credits,
                Generation = record.Generation,
                Error = record.Error,
                Message = record.Message,
            });
        }

        return default;
    }

    public override ValueTask DisposeAsync()
    {
        _journal?.Dispose();
        return default;
    }

    /// <summary>Counts per state, spend and unknown keys of a journal's history.</summary>
    internal static BatchStatus Status(IReadOnlyDictionary<string, JournalItem> history, long? budget)
    {
        var counts = new Dictionary<BatchJournalEvent, long>();
        long reserved = 0, spent = 0, pending = 0;
        var unknown = new List<string>();
        foreach (var item in history.Values)
        {
            if (item.State is not { } state || state is BatchJournalEvent.NotSent or BatchJournalEvent.Refused)
            {
                pending++;
            }

            if (item.State is { } known)
            {
                counts[known] = (counts.TryGetValue(known, out var n) ? n : 0) + 1;
            }

            switch (item.State)
            {
                case BatchJournalEvent.Submitting or BatchJournalEvent.Unknown:
                    spent += item.Credits ?? 0;
                    unknown.Add(item.Key);
                    break;
                case BatchJournalEvent.Submitted:
                    reserved += item.Credits ?? 0;
                    break;
                case BatchJournalEvent.Succeeded:
                    spent += item.Credits ?? 0;
                    break;
            }
        }

        unknown.Sort(StringComparer.Ordinal);
        return new BatchStatus { Counts = counts, Pending = pending, Total = history.Count, CreditsReserved = reserved, CreditsSpent = spent, CreditBudget = budget, UnknownKeys = unknown };
    }

    /// <summary>What a key costs the budget as it stands: what it spent, or what it holds reserved or may have been charged.</summary>
    private static long Committed(JournalItem item) => item.State switch
    {
        BatchJournalEvent.Submitting or BatchJournalEvent.Submitted or BatchJournalEvent.Unknown or BatchJournalEvent.Succeeded => item.Credits ?? 0,
        _ => 0,
    };

    private BatchClaim Claim(string key)
    {
        if (!_history.TryGetValue(key, out var known) || known.State is null or BatchJournalEvent.NotSent or BatchJournalEvent.Refused)
        {
            return new BatchClaim(key, BatchClaimKind.Submit);
        }

        switch (known.State)
        {
            case BatchJournalEvent.Submitted when known.GenerationId is { } id:
                return new BatchClaim(key, BatchClaimKind.Resume) { GenerationId = id, Record = Record(known, BatchJournalEvent.Submitted) };
            case BatchJournalEvent.Succeeded or BatchJournalEvent.Failed:
                var record = Record(known, known.State.Value) with { Generation = _journal?.ReadGeneration(known) ?? known.Generation };
                return new BatchClaim(key, BatchClaimKind.Report) { GenerationId = known.GenerationId, Record = record };
            default:
                // "submitting" with nothing after it: the process died between the flush and the answer. ResubmitUnknown
                // is for those whose id never came back: an unknown item with an id is a job that exists and was paid for.
                return _settings.ResubmitUnknown && known.GenerationId is null
                    ? new BatchClaim(key, BatchClaimKind.Submit)
                    : new BatchClaim(key, BatchClaimKind.Report) { Record = Record(known, BatchJournalEvent.Unknown) };
        }
    }

    private static BatchRecord Record(JournalItem item, BatchJournalEvent state) => new(item.Key, state)
    {
        GenerationId = item.GenerationId,
        Credits = item.Credits,
        Generation = item.Generation,
        Error = item.Error,
        Message = item.Message,
    };

    /// <summary>Journals an entry (when there is a journal) and keeps the history and the budget in step with it.</summary>
    private void Append(JournalEntry entry)
    {
        _journal?.Append(entry);
        var before = _history.TryGetValue(entry.Key, out var known) ? known : new JournalItem(entry.Key);
        var after = before.Apply(entry);
        _committed += Committed(after) - Committed(before);

        // Each key is claimed once per run, so nothing this run records is reported from memory again:
        // only what the budget needs is kept, not the generation (a rerun reads it from the file).
        _history[entry.Key] = after.Generation is null ? after : after with { Generation = null };
    }
}
