namespace GptImageHub.Emulator.Jobs;

/// <summary>The states a generation moves through: queued, processing, then succeeded or failed.</summary>
internal static class GenerationStatuses
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
