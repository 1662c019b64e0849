using System.Runtime.InteropServices;

namespace GptImageHub.Emulator;

/// <summary>The stand-alone emulator: prints its address and a ready key, then serves until Ctrl+C.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!CommandLineOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(CommandLineOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(CommandLineOptions.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        var hub = await GptImageHubEmulator.StartAsync(options.ToEmulatorOptions(), Console.WriteLine, stop.Token).ConfigureAwait(false);
        await using (hub.ConfigureAwait(false))
        {
            var key = hub.CreateApiKey(options.Credits);
            Console.WriteLine($"GPT Image Hub emulator listening on {hub.BaseAddress}");
            Console.WriteLine($"API key ({options.Credits} credits): {key}");
            Console.WriteLine($"Dashboard: {hub.DashboardAddress}   (images are served from {hub.CdnAddress})");
            Console.WriteLine("Point the SDK, the samples and gih at it: paste these two lines into another shell.");
            Console.WriteLine(OperatingSystem.IsWindows() ? $"$env:GPTIMAGEHUB_BASE_URL=\"{hub.BaseAddress}\"" : $"export GPTIMAGEHUB_BASE_URL={hub.BaseAddress}");
            Console.WriteLine(OperatingSystem.IsWindows() ? $"$env:GPTIMAGEHUB_API_KEY=\"{key}\"" : $"export GPTIMAGEHUB_API_KEY={key}");
            Console.WriteLine("Then try: dotnet run --project samples/QuickStart -- \"a red fox\"   (or any program that uses the SDK)");
            Console.WriteLine($"Or: curl {hub.BaseAddress}api/v1/credits -H \"Authorization: Bearer {key}\"");
            Console.WriteLine("Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            // Keep the process alive so that the emulator is disposed in order.
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
