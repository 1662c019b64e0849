namespace GptImageHub.Cli.Output.Json;

/// <summary>Credits of a generation: <c>credits</c> kept, and <c>credits_requested</c> while the job still holds them.</summary>
internal sealed record UsageJson(int Credits, int? CreditsRequested);
