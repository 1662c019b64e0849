using System.CommandLine;
using System.Net;
using GptImageHub.Cli.Commands;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using GptImageHub.Sdk;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;
using GptImageHub.Sdk.Errors;

namespace GptImageHub.Cli.Failures;

/// <summary>
/// Turns a failure into its exit code and one line on standard error (plus the JSON error document
/// with <c>--json</c>, and the stack trace only with <c>--verbose</c>). When a submitted generation
/// is involved, the line names it and says how to resume: the job is paid for.
/// </summary>
internal static class FailureReport
{
    public static int Write(Exception exception, CommandContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (exitCode, kind, message) = Classify(exception, context, cancellationToken);

        // A usage error quotes what was typed (a reference image's or a batch file's path), and a key typed there
        // came back in it; masked before an id is added below, which must stay readable.
        var typed = exitCode == ExitCodes.Usage ? TypedWords(parseResult, context) : null;
        if (typed is not null)
        {
            message = KeyMask.ApplyToUsage(message, typed, context.Connection?.ApiKey);
        }

        // An id the service does not know names nothing to resume.
        var generationId = exitCode == ExitCodes.NotFound ? null : GenerationIdOf(exception) ?? context.GenerationId;
        if (generationId is not null)
        {
            message = EndSentence(message) + (exitCode == ExitCodes.GenerationFailed
                ? $" Inspect it with: {ResumeHint.GetCommand(context, generationId)}"
                : context.GenerationSucceeded && generationId == context.GenerationId && context.ResumeDirectory is { } directory
                    ? $" Generation {generationId} succeeded and is paid for; save its images with: {ResumeHint.DownloadCommand(context, generationId, directory)}"
                    : $" Generation {generationId} keeps running on the service; resume with: {ResumeHint.WaitCommand(context, generationId, context.ResumeDirectory)}");
        }

        Emit(context, parseResult, kind, message, exitCode, generationId);
        if (parseResult.GetValue(context.Options.Verbose))
        {
            var trace = exception.ToString();
            context.Environment.Error.WriteLine(typed is null ? KeyMask.Apply(trace, context.Connection?.ApiKey) : KeyMask.ApplyToUsage(trace, typed, context.Connection?.ApiKey));
        }

        return exitCode;
    }

    /// <summary>The exit code a failure maps to, without reporting it: <c>gih batch</c> ranks the failures of its items by it.</summary>
    public static int ExitCodeOf(Exception exception, CommandContext context) =>
        Classify(exception, context, CancellationToken.None).ExitCode;

    /// <summary>Reports the parser's complaints: one line each, then exit code 2.</summary>
    public static int WriteUsage(ParseResult parseResult, CommandContext context, string? unknownOption = null)
    {
        var command = parseResult.CommandResult.Command;
        var name = context.Environment.CommandName;
        var help = UsageMessages.Typed(command, name) + " --help";
        var messages = parseResult.Errors.Select(e => UsageMessages.Rewrite(e.Message).TrimEnd('.') + ".");
        if (unknownOption is not null)
        {
            // The word the unknown option displaced (the real prompt) and the option itself are what the parser calls
            // "Unrecognized command or argument": said once, in the user's words, rather than three times.
            messages = messages.Where(m => !UsageMessages.IsExplainedByUnknownOption(m)).Prepend(unknownOption);
        }

        var message = KeyMask.ApplyToUsage(string.Join(" ", messages), TypedWords(parseResult, context), context.Connection?.ApiKey) + $" See '{help}'.";
        Emit(context, parseResult, "usage", message, ExitCodes.Usage, generationId: null);
        return ExitCodes.Usage;
    }

    /// <summary>
    /// The words a usage error may quote back: the command line's tokens, and the model the settings named (read from
    /// the environment once a command ran, and as free to hold a key pasted in the wrong place as a typed word).
    /// </summary>
    private static List<string> TypedWords(ParseResult parseResult, CommandContext context)
    {
        var typed = parseResult.Tokens.Select(token => token.Value).ToList();
        if (context.ModelFromSettings is { } model)
        {
            typed.Add(model);
        }

        return typed;
    }

    private static void Emit(CommandContext context, ParseResult parseResult, string kind, string message, int exitCode, string? generationId)
    {
        // Masked here, where every failure line passes: a key typed in the wrong place comes back in the messages.
        var line = OneLine(KeyMask.Apply(message, context.Connection?.ApiKey));
        context.Environment.Error.WriteLine("gih: " + line);
        context.Environment.Error.Flush();
        if (IsJson(parseResult, context))
        {
            JsonOutput.Write(context.Environment.Out, new ErrorJson(new ErrorDetailJson(kind, line, exitCode, generationId)), CliJsonContext.Default.ErrorJson);
        }
    }

    private static (int ExitCode, string Kind, string Message) Classify(Exception exception, CommandContext context, CancellationToken cancellationToken)
    {
        var said = Said(exception, context);
        return exception switch
        {
            OperationCanceledException when exception is GenerationCanceledException || cancellationToken.IsCancellationRequested =>
                (ExitCodes.Cancelled, "cancelled", "Cancelled."),
            UsageException => (ExitCodes.Usage, "usage", exception.Message),
            ArgumentException argument => (ExitCodes.Usage, "usage", WithoutParameterName(argument)),
            InvalidRequestException => (ExitCodes.Usage, "usage", context.ModelSource is null ? said : EndSentence(said) + ModelNote(context)),
            ReferenceImageException => (ExitCodes.Usage, "usage", said),
            MissingApiKeyException when context.Connection?.ApiKey is null => (ExitCodes.Auth, "auth", said),
            UnauthorizedException => (ExitCodes.Auth, "auth", $"The API key was refused: {said}{KeySource(context)}"),
            InsufficientCreditsException => (ExitCodes.Credits, "credits", $"Not enough credits: {said} Check the balance with: {ResumeHint.CreditsCommand(context)}"),
            // No generation was asked for (models, credits, a submit): the path itself is missing, so the address is wrong,
            // or (a submit's) the model it names; the SDK's message says which may be.
            // A 404 that is not the service's own JSON (a web site's page, a proxy's empty answer) says the same: no API there.
            NotFoundException or GptImageHubException { StatusCode: HttpStatusCode.NotFound }
                when GenerationIdOf(exception) is null && context.GenerationId is null =>
                (ExitCodes.Usage, "usage", $"{EndSentence(said)} If the address is wrong, fix --base-url, GPTIMAGEHUB_BASE_URL or \"baseUrl\" in the config file.{ModelNote(context)}"),
            NotFoundException => (ExitCodes.NotFound, "not_found", $"Not found: {said}"),
            GenerationFailedException => (ExitCodes.GenerationFailed, "generation_failed", said),
            GenerationTimeoutException => (ExitCodes.Timeout, "timeout", "Gave up waiting: the generation had not finished within the time limit."),
            GptImageHubConnectionException => (ExitCodes.Network, "network", $"Could not reach {context.Connection?.BaseAddress}: {said}"),
            DatabaseUnreachableException => (ExitCodes.Network, "network", $"{EndSentence(exception.Message)} Check the host and port in --postgres, and that the server is running."),
            GptImageHubException => (ExitCodes.Service, "service", $"The service failed: {said}"),
            NotReadyException => (ExitCodes.Failure, "error", exception.Message),
            // The batch may pass on the store's failure inside its own.
            _ when ExceptionCauses.Find<DatabaseRefusedException>(exception) is { } refused =>
                (ExitCodes.Failure, "error", $"{EndSentence(refused.Message)} Check --postgres: the database, user and password it names, and that user's permissions."),
            // Taken before anything is sent: say so, and what to change, not "a file could not be written".
            _ when ExceptionCauses.Find<BatchJournalLockException>(exception) is { } locked => locked.InUse
                ? (ExitCodes.Failure, "error", $"{locked.Message} Nothing was sent: wait for that run to end, or give this one another --journal.")
                : (ExitCodes.Usage, "usage", $"{EndSentence(locked.Message)} Nothing was sent: give --journal a path in a folder you can write to."),
            IOException or UnauthorizedAccessException => (ExitCodes.Failure, "error", $"A file could not be written: {exception.Message}"),
            _ => (ExitCodes.Failure, "error", $"Unexpected error: {exception.Message} (run with --verbose for details)"),
        };
    }

    /// <summary>
    /// Where the model of a refused request came from when the command line did not name it (the service's refusal quotes
    /// a model the user never typed there), and what to do.
    /// </summary>
    private static string ModelNote(CommandContext context) =>
        context.ModelSource is { } source
            ? $" The model {context.ModelFromSettings} came from {source}: pass --model, or change it there ('{context.Environment.CommandName} models' lists the models)."
            : string.Empty;

    /// <summary>
    /// The failure's message, with a possibly charged submit's advice in gih's words: the SDK's names its own
    /// GetCreditsAsync and WaitForGenerationAsync, which a gih user cannot run.
    /// </summary>
    private static string Said(Exception exception, CommandContext context) => exception switch
    {
        GptImageHubException { PossiblyCharged: true, GenerationId: null } hub =>
            $"{EndSentence(hub.Description)} The request was possibly charged: it may have reached the service before this failure, so check the balance with: {ResumeHint.CreditsCommand(context)} before sending it again.",

        // The line goes on with the command that resumes the job (Write).
        GptImageHubException { PossiblyCharged: true } hub =>
            $"{EndSentence(hub.Description)} The request was possibly charged: generation {hub.GenerationId} exists, so do not send the request again.",
        _ => exception.Message,
    };

    private static string? GenerationIdOf(Exception exception) => exception switch
    {
        GptImageHubException hub => hub.GenerationId,
        GenerationCanceledException canceled => canceled.GenerationId,
        _ => null,
    };

    // A message that ends without a full stop (a transport's "Connection refused (host:port)") ran into the sentence added after it.
    private static string EndSentence(string message) =>
        message.Length == 0 || message[^1] is '.' or '!' or '?' ? message : message + ".";

    private static string KeySource(CommandContext context) =>
        context.Connection?.ApiKeySource is { } source ? $" (key from {source})" : string.Empty;

    private static string WithoutParameterName(ArgumentException exception) =>
        exception.ParamName is { } name
            ? exception.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
            : exception.Message;

    private static bool IsJson(ParseResult parseResult, CommandContext context)
    {
        try
        {
            return parseResult.GetValue(context.Options.Json);
        }
        catch (InvalidOperationException)
        {
            // A parse that failed early may not know the option at all.
            return false;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
