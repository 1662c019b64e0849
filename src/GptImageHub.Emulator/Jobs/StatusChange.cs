namespace GptImageHub.Emulator.Jobs;

/// <summary>One step of a generation's life, for the admin API and the dashboard.</summary>
internal readonly record struct StatusChange(string Status, DateTimeOffset At);
