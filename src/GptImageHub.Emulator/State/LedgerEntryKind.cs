namespace GptImageHub.Emulator;

/// <summary>Why a user's balance changed.</summary>
public enum LedgerEntryKind
{
    /// <summary>Credits given to the user, when a key is created or by <see cref="EmulatorLedger.AddCredits"/>.</summary>
    Grant,

    /// <summary>Credits deducted when a generation was accepted, before any image was made.</summary>
    Charge,

    /// <summary>Credits given back because a generation failed or delivered fewer images than asked.</summary>
    Refund,
}
