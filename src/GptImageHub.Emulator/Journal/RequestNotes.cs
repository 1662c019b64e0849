namespace GptImageHub.Emulator.Journal;

/// <summary>
/// What the endpoints learn about one request that its status alone does not show: the fault that
/// replaced or delayed it and the generation it charged. Set as a request feature by the journal.
/// </summary>
internal sealed class RequestNotes
{
    /// <summary>A short description of the injected fault, such as <c>status 503</c>; null when none applied.</summary>
    public string? Fault { get; set; }

    /// <summary>Whether the connection was dropped on purpose instead of answering.</summary>
    public bool Dropped { get; set; }

    /// <summary>Whether the real answer was replaced by a fault after the work was done.</summary>
    public bool AnswerReplaced { get; set; }

    /// <summary>The generation this request was charged for; null when it charged nothing.</summary>
    public string? GenerationId { get; set; }

    /// <summary>1 once the request is in the journal: it is recorded when its answer starts, or at its end when none started.</summary>
#pragma warning disable CA1051 // A field, so that Interlocked can claim it: exactly one of the two moments records the request.
    public int Recorded;
#pragma warning restore CA1051
}
