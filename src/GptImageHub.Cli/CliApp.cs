using System.CommandLine;
using System.CommandLine.Help;
using GptImageHub.Cli.Commands;
using GptImageHub.Cli.Failures;

namespace GptImageHub.Cli;

/// <summary>
/// The whole command line, runnable in-process: parses, runs one command, and turns any failure
/// into one line on standard error and a documented exit code (<see cref="ExitCodes"/>).
/// </summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var context = new CommandContext(environment, new GlobalOptions());
        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            return FailureReport.WriteUsage(parseResult, context);
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,

            // gih reports failures itself, and Program owns Ctrl+C so that tests can cancel with a token.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure becomes one line and an exit code; none may escape as a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return FailureReport.Write(ex, context, parseResult, cancellationToken);
        }
    }

    private static Command CreateRootCommand(CommandContext context)
    {
        // A plain Command named "gih" rather than RootCommand, whose name is the host executable's
        // (the test runner's, in-process) and would show in help and error hints.
        var root = new Command("gih", "GPT Image Hub from the command line: models, credits, image generation with progress, and a local emulator.")
        {
            new HelpOption(),
            new VersionOption(),
            ModelsCommand.Create(context),
            CreditsCommand.Create(context),
            GenerateCommand.Create(context),
            GetCommand.Create(context),
            WaitCommand.Create(context),
            DownloadCommand.Create(context),
            BatchCommand.Create(context),
            EmulatorCommand.Create(context),
        };
        context.Options.AddTo(root);
        return root;
    }
}
