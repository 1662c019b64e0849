using GptImageHub.Emulator;
using GptImageHub.Samples.AotConsole;

// Runs against an emulator started in-process, or against --base-url/--api-key (a separately
// started emulator, or the real service). Any wrong result throws, so the exit code says it all.
string? baseUrl = null;
string? apiKey = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--base-url":
            baseUrl = args[i + 1];
            break;
        case "--api-key":
            apiKey = args[i + 1];
            break;
        default:
            Console.Error.WriteLine("Usage: AotConsole [--base-url URL --api-key KEY]");
            return 2;
    }
}

GptImageHubEmulator? emulator = null;
if (baseUrl is null)
{
    emulator = await GptImageHubEmulator.StartAsync(new EmulatorOptions { QueueDelay = TimeSpan.FromMilliseconds(200), ProcessingDelay = TimeSpan.FromMilliseconds(400) });
    baseUrl = emulator.BaseAddress.ToString();
    apiKey = emulator.CreateApiKey(credits: 100);
    Console.WriteLine($"emulator: in-process at {baseUrl}");
}

try
{
    await AotChecks.RunAsync(new Uri(baseUrl), apiKey ?? throw new InvalidOperationException("--api-key is required with --base-url."), Console.Out);
    Console.WriteLine("AOT smoke: all checks passed");
    return 0;
}
finally
{
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}
