using GptImageHub.Emulator;

// Starts an emulator in this process, says so, and waits: SIGTERM must end the process as it would
// end any .NET program (exit code 143), not be taken over by the emulator.
await using var hub = await GptImageHubEmulator.StartAsync();
Console.WriteLine($"ready {hub.BaseAddress}");
await Task.Delay(Timeout.Infinite);
