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

        if (parseResult.Action is HelpAction && IsBatchStatus(parseResult.CommandResult.Command))
        {
            return WriteBatchStatusHelp(parseResult, invocation, environment);
        }

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

    private static bool IsBatchStatus(Command command) =>
        command.Name == "status" && command.Parents.OfType<Command>().FirstOrDefault()?.Name == "batch";

    /// <summary>
    /// <c>gih batch status --help</c> without the batch's file: the parser's help shows a subcommand after its parent's
    /// arguments (<c>gih batch &lt;file&gt; status</c>) and lists <c>&lt;file&gt;</c>, but the status of a shared batch takes no
    /// file, and <c>gih batch status --postgres ...</c> is how it is run.
    /// </summary>
    private static int WriteBatchStatusHelp(ParseResult parseResult, InvocationConfiguration invocation, CliEnvironment environment)
    {
        using var text = new StringWriter();
        var exitCode = parseResult.Invoke(new InvocationConfiguration { Output = text, Error = invocation.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        var lines = text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var arguments = lines.IndexOf("Arguments:");
        if (arguments >= 0)
        {
            var end = lines.FindIndex(arguments, string.IsNullOrWhiteSpace);
            lines.RemoveRange(arguments, (end < 0 ? lines.Count : end + 1) - arguments);
        }

        environment.Out.Write(string.Join(Environment.NewLine, lines).Replace("gih batch <file> status", "gih batch status", StringComparison.Ordinal));
        return exitCode;
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
