namespace GptImageHub.Emulator.Faults;

/// <summary>What replaces an endpoint's normal answer: a status with a body, or a dropped connection.</summary>
internal sealed record ResponseFault(
    int StatusCode,
    string? Body,
    string? ContentType,
    TimeSpan? RetryAfter,
    DropMoment Drop)
{
    public static ResponseFault Dropped(DropMoment moment) => new(0, null, null, null, moment);
}

/// <summary>When an injected dropped connection happens.</summary>
internal enum DropMoment
{
    /// <summary>No drop: the fault answers with a status.</summary>
    None,

    /// <summary>Before the request is handled, so nothing is charged.</summary>
    BeforeProcessing,

    /// <summary>After the request is handled (a generation is charged) but before the answer is sent: a lost response.</summary>
    AfterProcessing,
}
