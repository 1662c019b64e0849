using System.CommandLine;
using System.Globalization;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using GptImageHub.Emulator;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih emulator</c>: runs the local GPT Image Hub emulator in this process until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    public const long DefaultCredits = 1000;

    public static Command Create(CommandContext context)
    {
        var port = new Option<int>("--port") { Description = "The TCP port on 127.0.0.1; 0 picks a free one.", HelpName = "port" }.Between(0, 65535);
        var credits = new Option<long>("--credits") { Description = "The credits of the printed API key.", HelpName = "credits", DefaultValueFactory = _ => DefaultCredits }
            .Between(0, long.MaxValue);
        var queueDelay = NonNegativeMilliseconds("--queue-delay", "How long a generation stays queued, in milliseconds.");
        var processingDelay = NonNegativeMilliseconds("--processing-delay", "How long a generation stays processing, in milliseconds.");
        var open = new Option<bool>("--open") { Description = "Open the dashboard in a browser, where one exists." };

        var command = new Command("emulator", "Run a local GPT Image Hub emulator; prints its URL and a ready API key, and serves until Ctrl+C.")
        {
            port, credits, queueDelay, processingDelay, open,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = new EmulatorOptions
            {
                Port = parseResult.GetValue(port),
                QueueDelay = TimeSpan.FromMilliseconds(parseResult.GetValue(queueDelay)),
                ProcessingDelay = TimeSpan.FromMilliseconds(parseResult.GetValue(processingDelay)),
            };
            var balance = parseResult.GetValue(credits);
            var human = context.CreateHumanOutput(parseResult);
            GptImageHubEmulator hub;
            try
            {
                hub = await GptImageHubEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how this command ends, while it starts as once it serves: the user stopped a server on
                // purpose and nothing failed, so it exits 0 either way (130 is for work a Ctrl+C cut short).
                human?.Line("Emulator stopped.");
                return ExitCodes.Ok;
            }
            catch (IOException ex) when (options.Port != 0)
            {
                // Kestrel's bind failure (the port is taken) is an IOException, which read as "a file could not be written".
                throw new UsageException($"The emulator cannot listen on port {options.Port} of 127.0.0.1 ({ex.Message}); choose another with --port, or 0 for a free one.", ex);
            }

            await using (hub.ConfigureAwait(false))
            {
                var key = hub.CreateApiKey(balance);
                if (human is null)
                {
                    JsonOutput.Write(context.Environment.Out, new EmulatorJson(hub.BaseAddress, key, balance, hub.DashboardAddress, hub.CdnAddress), CliJsonContext.Default.EmulatorJson);
                }
                else
                {
                    human.Line($"GPT Image Hub emulator listening on {hub.BaseAddress}");
                    human.Line($"API key ({balance.ToString(CultureInfo.InvariantCulture)} credits): {key}");
                    human.Line($"Dashboard: {hub.DashboardAddress}   (requests, charges, jobs and images, live; faults at a click)");
                    foreach (var line in EmulatorHints.Lines(hub.BaseAddress, key, context.Environment.CommandName))
                    {
                        human.Line(line);
                    }

                }

                if (parseResult.GetValue(open)
                    && await TryOpenAsync(hub.DashboardAddress, context, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    // No browser here is no reason to stop: the address is printed above.
                    await context.Environment.Error.WriteLineAsync(problem).ConfigureAwait(false);
                }

                human?.Line("Press Ctrl+C to stop.");

                // Ctrl+C is how this command ends, so it is a normal stop, not a cancellation.
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            human?.Line("Emulator stopped.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Opens the dashboard; a Ctrl+C meanwhile is the usual stop (the wait below ends at once), not a failure.</summary>
    private static async Task<string?> TryOpenAsync(Uri dashboard, CommandContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await BrowserLauncher.TryOpenAsync(dashboard, context.Environment.GetVariable, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static Option<int> NonNegativeMilliseconds(string name, string description) =>
        new Option<int>(name) { Description = description, HelpName = "ms" }.Between(0, int.MaxValue);
}
