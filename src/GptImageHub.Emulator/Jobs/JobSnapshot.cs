namespace GptImageHub.Emulator.Jobs;

/// <summary>A consistent view of a job's state at one moment.</summary>
internal readonly record struct JobSnapshot(string Status, IReadOnlyList<StoredImage> Images, int CreditsCharged);
