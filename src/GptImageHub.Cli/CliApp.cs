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
        var unknownOption = UsageMessages.UnknownOption(parseResult, environment.CommandName);
        if (parseResult.Errors.Count > 0 || unknownOption is not null)
        {
            return FailureReport.WriteUsage(parseResult, context, unknownOption);
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
        var root = new Command("gih", "GPT Image Hub from the command line: models, credits, image generation with progress, and a local emulator.\n" + ExitCodes.Summary)
        {
            new HelpOption(),
            new VersionOption(),
            context.Options.WithConnection(ModelsCommand.Create(context)),
            context.Options.WithConnection(CreditsCommand.Create(context)),
            context.Options.WithConnection(GenerateCommand.Create(context)),
            context.Options.WithConnection(GetCommand.Create(context)),
            context.Options.WithConnection(WaitCommand.Create(context)),
            context.Options.WithConnection(DownloadCommand.Create(context)),
            context.Options.WithConnection(BatchCommand.Create(context)),
            EmulatorCommand.Create(context),
        };
        context.Options.AddTo(root);
        return root;
    }
}
