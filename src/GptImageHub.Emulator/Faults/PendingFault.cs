namespace GptImageHub.Emulator.Faults;

/// <summary>A fault waiting for its requests, as the admin API and the dashboard list it.</summary>
/// <param name="Description">What it does, such as <c>status 503</c>.</param>
/// <param name="Endpoint">The only endpoint it applies to; null for any.</param>
/// <param name="Remaining">How many more requests it will serve.</param>
internal sealed record PendingFault(string Description, EmulatorEndpoint? Endpoint, int Remaining);
