using System.Runtime.InteropServices;

namespace GptImageHub.Cli;

/// <summary>The gih executable: the process's console and signals around <see cref="CliApp"/>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await CliApp.RunAsync(args, CliEnvironment.FromProcess(), stop.Token).ConfigureAwait(false);

        void Stop(PosixSignalContext context)
        {
            // The first signal cancels cleanly, so a wait can print its generation id; a second one kills at once.
            context.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        }
    }
}
