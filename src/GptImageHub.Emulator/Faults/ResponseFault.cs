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
