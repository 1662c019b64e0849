using GptImageHub.Emulator.Keys;
using GptImageHub.Emulator.State;

namespace GptImageHub.Emulator;

/// <summary>
/// The emulator's books: every user's balance, every charge and refund with its generation id, the
/// images delivered and every generation request received. Tests read it to prove what a client's
/// calls really cost. All members are thread-safe and return snapshots.
/// </summary>
public sealed class EmulatorLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserAccount> _accounts = new(StringComparer.Ordinal);
    private readonly List<LedgerEntry> _entries = [];
    private readonly List<ReceivedGenerationRequest> _requests = [];
    private readonly ApiKeyStore _keys;
    private readonly TimeProvider _time;
    private int _imagesDelivered;

    internal EmulatorLedger(ApiKeyStore keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    /// <summary>Every balance change so far, oldest first.</summary>
    public IReadOnlyList<LedgerEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Every generation request received so far, oldest first, including refused ones.</summary>
    public IReadOnlyList<ReceivedGenerationRequest> GenerationRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The credits deducted by all charges, before refunds.</summary>
    public long TotalCharged => Sum(LedgerEntryKind.Charge);

    /// <summary>The credits given back by all refunds.</summary>
    public long TotalRefunded => Sum(LedgerEntryKind.Refund);

    /// <summary>What users really paid: <see cref="TotalCharged"/> minus <see cref="TotalRefunded"/>.</summary>
    public long NetCharged => TotalCharged - TotalRefunded;

    /// <summary>How many images succeeded generations have delivered.</summary>
    public int ImagesDelivered
    {
        get
        {
            lock (_gate)
            {
                return _imagesDelivered;
            }
        }
    }

    /// <summary>The current balance of the user who owns a key.</summary>
    /// <param name="apiKey">A key the emulator issued, in any state (revoked and expired keys still name their user).</param>
    /// <returns>The credits available.</returns>
    /// <exception cref="ArgumentException">The emulator never issued <paramref name="apiKey"/>.</exception>
    public long GetBalance(string apiKey)
    {
        var userId = ResolveUser(apiKey);
        lock (_gate)
        {
            return _accounts[userId].Credits;
        }
    }

    /// <summary>Gives credits to the user who owns a key, as a top-up would, and records a <see cref="LedgerEntryKind.Grant"/>.</summary>
    /// <param name="apiKey">A key the emulator issued.</param>
    /// <param name="credits">The credits to add; zero or more.</param>
    /// <exception cref="ArgumentException">The emulator never issued <paramref name="apiKey"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="credits"/> is negative.</exception>
    public void AddCredits(string apiKey, long credits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        var userId = ResolveUser(apiKey);
        lock (_gate)
        {
            var account = _accounts[userId];
            account.Credits += credits;
            _entries.Add(new LedgerEntry(LedgerEntryKind.Grant, userId, credits, account.Credits, null, _time.GetUtcNow()));
        }
    }

    /// <summary>The balance changes of the user who owns a key, oldest first.</summary>
    /// <param name="apiKey">A key the emulator issued.</param>
    /// <returns>The user's entries.</returns>
    /// <exception cref="ArgumentException">The emulator never issued <paramref name="apiKey"/>.</exception>
    public IReadOnlyList<LedgerEntry> GetEntries(string apiKey)
    {
        var userId = ResolveUser(apiKey);
        lock (_gate)
        {
            return [.. _entries.Where(e => string.Equals(e.UserId, userId, StringComparison.Ordinal))];
        }
    }

    /// <summary>The charge and any refund of one generation, oldest first.</summary>
    /// <param name="generationId">The generation id the service returned.</param>
    /// <returns>The entries; empty for an unknown id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generationId"/> is null.</exception>
    public IReadOnlyList<LedgerEntry> GetEntriesForGeneration(string generationId)
    {
        ArgumentNullException.ThrowIfNull(generationId);
        lock (_gate)
        {
            return [.. _entries.Where(e => string.Equals(e.GenerationId, generationId, StringComparison.Ordinal))];
        }
    }

    /// <summary>How many generation requests carried exactly this prompt, to catch a client that sends a POST twice.</summary>
    /// <param name="prompt">The prompt to count.</param>
    /// <returns>The number of requests received with it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    public int CountGenerationRequests(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_gate)
        {
            return _requests.Count(r => string.Equals(r.Prompt, prompt, StringComparison.Ordinal));
        }
    }

    internal string OpenAccount(long credits, string accountType)
    {
        var userId = EntityIds.New();
        lock (_gate)
        {
            _accounts.Add(userId, new UserAccount(userId, credits, accountType));
            _entries.Add(new LedgerEntry(LedgerEntryKind.Grant, userId, credits, credits, null, _time.GetUtcNow()));
        }

        return userId;
    }

    /// <summary>Every user with their balance, in the order they were created.</summary>
    internal IReadOnlyList<(string UserId, string AccountType, long Credits)> Accounts()
    {
        lock (_gate)
        {
            return [.. _accounts.Values.Select(a => (a.Id, a.AccountType, a.Credits))];
        }
    }

    internal (long Credits, string AccountType, DateTimeOffset? NextExpiration) GetAccount(string userId)
    {
        lock (_gate)
        {
            var account = _accounts[userId];
            return (account.Credits, account.AccountType, account.NextExpiration);
        }
    }

    /// <summary>Deducts a generation's full price up front, as the service does; false when the balance is short.</summary>
    internal bool TryCharge(string userId, int credits, string generationId, out long balance)
    {
        lock (_gate)
        {
            var account = _accounts[userId];
            balance = account.Credits;
            if (account.Credits < credits)
            {
                return false;
            }

            account.Credits -= credits;
            balance = account.Credits;
            _entries.Add(new LedgerEntry(LedgerEntryKind.Charge, userId, credits, account.Credits, generationId, _time.GetUtcNow()));
            return true;
        }
    }

    internal void Refund(string userId, int credits, string generationId)
    {
        if (credits <= 0)
        {
            return;
        }

        lock (_gate)
        {
            var account = _accounts[userId];
            account.Credits += credits;
            _entries.Add(new LedgerEntry(LedgerEntryKind.Refund, userId, credits, account.Credits, generationId, _time.GetUtcNow()));
        }
    }

    internal void RecordImagesDelivered(int count)
    {
        lock (_gate)
        {
            _imagesDelivered += count;
        }
    }

    internal void RecordRequest(ReceivedGenerationRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    internal string ResolveUser(string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        return _keys.FindUserId(apiKey)
            ?? throw new ArgumentException("The emulator did not issue this API key.", nameof(apiKey));
    }

    private long Sum(LedgerEntryKind kind)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.Kind == kind).Sum(e => e.Credits);
        }
    }
}
