namespace GptImageHub.Emulator.Faults;

/// <summary>
/// Faults waiting for the requests they apply to: each rule serves its next <c>count</c> matching
/// requests, in the order rules were added.
/// </summary>
internal sealed class FaultQueue<T>
{
    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _rules.Sum(r => r.Remaining);
            }
        }
    }

    public void Add(T fault, int count, EmulatorEndpoint? endpoint)
    {
        lock (_gate)
        {
            _rules.Add(new Rule(fault, endpoint) { Remaining = count });
        }
    }

    public bool TryTake(EmulatorEndpoint endpoint, out T fault)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (rule.Endpoint is { } only && only != endpoint)
                {
                    continue;
                }

                if (--rule.Remaining == 0)
                {
                    _rules.RemoveAt(i);
                }

                fault = rule.Fault;
                return true;
            }
        }

        fault = default!;
        return false;
    }

    /// <summary>The rules still waiting, in the order they will be used, described for people.</summary>
    public IReadOnlyList<PendingFault> Describe(Func<T, string> describe)
    {
        lock (_gate)
        {
            return [.. _rules.Select(r => new PendingFault(describe(r.Fault), r.Endpoint, r.Remaining))];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    private sealed class Rule(T fault, EmulatorEndpoint? endpoint)
    {
        public T Fault { get; } = fault;

        public EmulatorEndpoint? Endpoint { get; } = endpoint;

        public int Remaining { get; set; }
    }
}
