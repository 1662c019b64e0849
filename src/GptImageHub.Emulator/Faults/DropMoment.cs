namespace GptImageHub.Emulator.Faults;

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
