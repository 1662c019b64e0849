namespace GptImageHub.Emulator.Faults;

/// <summary>
/// What replaces an endpoint's normal answer: a status with a body, or a dropped connection. With
/// <see cref="AfterProcessing"/> the request is handled first (a generation is charged and runs), as
/// behind a gateway that times out in front of a healthy service.
/// </summary>
internal sealed record ResponseFault(
    int StatusCode,
    string? Body,
    string? ContentType,
    TimeSpan? RetryAfter,
    DropMoment Drop,
    bool AfterProcessing = false)
{
    public static ResponseFault Dropped(DropMoment moment) => new(0, null, null, null, moment);
}
