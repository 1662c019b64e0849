namespace GptImageHub.Sdk.Batch;

/// <summary>A step of a batch item, as a store records it. An item goes <see cref="Submitting"/>, then one of the others.</summary>
public enum BatchJournalEvent
{
    /// <summary>About to be posted; recorded durably before the POST, with the credits it reserves.</summary>
    Submitting = 1,

    /// <summary>The service accepted it; the record carries the generation id. A rerun polls it by id.</summary>
    Submitted = 2,

    /// <summary>The POST never left (a guard, a refused connection): nothing charged; offered again on the next run.</summary>
    NotSent = 3,

    /// <summary>The service refused it with a documented error that charges nothing; offered again on the next run.</summary>
    Refused = 4,

    /// <summary>The POST may have been charged but its id never came back; not posted again unless the run allows it.</summary>
    Unknown = 5,

    /// <summary>The generation succeeded; the record carries it and the credits it cost.</summary>
    Succeeded = 6,

    /// <summary>The generation ended failed (the service refunds it).</summary>
    Failed = 7,
}
