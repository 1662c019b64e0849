using GptImageHub.Emulator.Endpoints;
using GptImageHub.Emulator.Jobs;

namespace GptImageHub.Emulator.Admin;

/// <summary>Reads the emulator's state into the admin API's objects. Reading never moves a job along: only the service's own endpoints and the clock do.</summary>
internal static class AdminSnapshots
{
    /// <summary>How many generations and requests the lists and the dashboard show, newest first.</summary>
    public const int ListLimit = 200;

    public static IReadOnlyList<AccountWire> Accounts(EmulatorState state)
    {
        var keys = state.Keys.All().ToLookup(k => k.UserId, StringComparer.Ordinal);
        return
        [
            .. state.Ledger.Accounts().Select(a => new AccountWire(
                a.UserId,
                a.AccountType,
                a.Credits,
                [.. keys[a.UserId].Select(k => new KeyWire(k.Hint, k.Revoked, k.ExpiresAt is { } at ? WireMapper.Timestamp(at) : null))])),
        ];
    }

    public static IReadOnlyList<LedgerEntryWire> Ledger(EmulatorState state) =>
        [.. state.Ledger.Entries.Select(e => new LedgerEntryWire(Kind(e.Kind), e.UserId, e.Credits, e.BalanceAfter, e.GenerationId, WireMapper.Timestamp(e.At)))];

    public static IReadOnlyList<GenerationSummaryWire> Generations(EmulatorState state)
    {
        var cdn = state.CdnAddress ?? state.BaseAddress!;
        var jobs = state.Store.All();
        return [.. jobs.Reverse().Take(ListLimit).Select(job => Generation(job, cdn))];
    }

    public static IReadOnlyList<RequestWire> Requests(EmulatorState state) =>
        [
            .. state.Journal.Newest(ListLimit).Select(r => new RequestWire(
                r.Sequence, WireMapper.Timestamp(r.At), r.Origin, r.Method, r.Path, r.Status, r.LatencyMilliseconds, r.Fault, r.GenerationId, r.PossiblyCharged, r.Authorized)),
        ];

    public static FaultsWire Faults(EmulatorState state)
    {
        var pending = state.Faults.Describe();
        return new FaultsWire(pending.Sum(f => f.Remaining), [.. pending.Select(f => new PendingFaultWire(f.Description, EndpointNames.Name(f.Endpoint), f.Remaining))]);
    }

    public static StateWire State(EmulatorState state)
    {
        var ledger = state.Ledger;
        return new StateWire(
            state.BaseAddress!.AbsoluteUri,
            (state.CdnAddress ?? state.BaseAddress!).AbsoluteUri,
            Accounts(state),
            Generations(state),
            Requests(state),
            Ledger(state),
            Faults(state),
            new TotalsWire(ledger.TotalCharged, ledger.TotalRefunded, ledger.NetCharged, ledger.ImagesDelivered, ledger.GenerationRequests.Count));
    }

    private static GenerationSummaryWire Generation(GenerationJob job, Uri cdn)
    {
        var snapshot = job.Snapshot();
        var spec = job.Spec;
        return new GenerationSummaryWire(
            job.Id,
            job.UserId,
            snapshot.Status,
            spec.Model.Id,
            spec.Prompt,
            spec.N,
            spec.Tier,
            spec.AspectRatio,
            spec.Async,
            spec.CreditsRequested,
            snapshot.CreditsCharged,
            [.. job.History().Select(h => new StatusChangeWire(h.Status, WireMapper.Timestamp(h.At)))],
            [.. snapshot.Images.Select(i => new AdminImageWire(i.Id, new Uri(cdn, i.RelativeUrl).AbsoluteUri))]);
    }

    private static string Kind(LedgerEntryKind kind) => kind switch
    {
        LedgerEntryKind.Charge => "charge",
        LedgerEntryKind.Refund => "refund",
        _ => "grant",
    };
}
