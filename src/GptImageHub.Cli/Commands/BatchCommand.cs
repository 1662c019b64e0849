using System.CommandLine;
using GptImageHub.Cli.Configuration;
using GptImageHub.Cli.Batch;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using GptImageHub.Cli.Progress;
using GptImageHub.Sdk;
using GptImageHub.Sdk.Core;
using GptImageHub.Sdk.Batch;
using GptImageHub.Sdk.Batch.PostgreSql;

namespace GptImageHub.Cli.Commands;

/// <summary>
/// <c>gih batch FILE</c>: generates one item per line of a file with bounded concurrency, saves each
/// item's images as it finishes, and keeps a journal so that the same command resumes after Ctrl+C
/// or a crash without paying for anything twice.
/// </summary>
internal static class BatchCommand
{
    public const int DefaultConcurrency = 4;

    public const string JournalSuffix = ".journal.jsonl";

    /// <summary>The file argument that reads the batch from standard input.</summary>
    private const string StandardInput = "-";

    /// <summary>Standard input, as messages name the batch read from it.</summary>
    private const string StandardInputName = "standard input";

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp"];

    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file")
        {
            Description = "One prompt per line, or one JSON object per line: {\"key\", \"prompt\", \"model\", \"size\", \"quality\", \"aspect_ratio\", \"n\"}. Blank lines and lines starting with # are ignored. - reads it from standard input (with --journal or --postgres).",
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "How many items may run on the service at once.",
            HelpName = "n",
            DefaultValueFactory = _ => DefaultConcurrency,
        }.Between(1, 1024);
        var budget = new Option<long?>("--budget")
        {
            Description = "The most credits the batch may spend; items that would go past it are skipped, not submitted.",
            HelpName = "credits",
        }.Between(0, long.MaxValue);
        var journal = new Option<string?>("--journal")
        {
            Description = "The journal that lets the same command resume. Default: FILE" + JournalSuffix + ", beside FILE.",
            HelpName = "path",
        };
        var outDirectory = new Option<string?>("--out", "-o") { Description = "The folder to save the images in. Default: ./output", HelpName = "dir" };
        var model = new Option<string?>("--model", "-m") { Description = "The model of lines that do not name one, from 'gih models'. " + GenerateCommand.ModelDefaultHelp };
        var resubmitUnknown = new Option<bool>("--resubmit-unknown")
        {
            Description = "Submit again the items whose submit was started but whose id never came back (they may already be charged).",
        };

        var postgres = PostgresOption();
        var batchName = BatchNameOption();
        var lease = new Option<int?>("--lease")
        {
            Description = "With --postgres: how many seconds a worker that stopped answering keeps its items before the others take them over (polled by id, never posted again). Default: 30.",
            HelpName = "seconds",
        }.Between(2, 3600);

        var command = new Command("batch", "Generate images for every line of a file, a few at a time, saving each item's images as it finishes; resumable.")
        {
            file, concurrency, budget, journal, outDirectory, model, resubmitUnknown, postgres, batchName, lease,
        };
        command.Subcommands.Add(CreateStatus(context));
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var environment = context.Environment;
            var fileGiven = parseResult.GetValue(file)!;
            var fromInput = fileGiven == StandardInput;
            var path = environment.ResolvePath(fromInput ? "." : fileGiven);
            if (fromInput && parseResult.GetValue(journal) is null && parseResult.GetValue(postgres) is null)
            {
                // The journal is named after the batch file, and standard input has no name: without one, a rerun could
                // not find what the first run paid for.
                throw new UsageException("gih batch - reads the batch from standard input: give --journal FILE (or --postgres) too, so that the same command can resume it.");
            }

            if (!fromInput && !File.Exists(path))
            {
                throw new UsageException(Directory.Exists(path)
                    ? $"'{fileGiven}' is a folder; give the batch file in it (one prompt per line, or one JSON object per line)."
                    : $"The batch file '{fileGiven}' does not exist.");
            }

            var store = Store(parseResult, postgres, batchName, parseResult.GetValue(lease));
            await using var releaseStore = ((IAsyncDisposable?)store ?? NoStore.Instance).ConfigureAwait(false);
            if (store is not null && parseResult.GetValue(journal) is not null)
            {
                throw new UsageException("Give --journal or --postgres, not both: with --postgres the database is the journal.");
            }

            // With a fleet store the lines below name the batch in the database where they would name the journal file.
            var journalPath = store is not null
                ? $"PostgreSQL batch '{parseResult.GetValue(batchName)}'"
                : environment.ResolvePath(parseResult.GetValue(journal) ?? path + JournalSuffix);
            var outGiven = parseResult.GetValue(outDirectory);
            var directory = OutDirectory.Resolve(environment, outGiven);
            var options = new BatchOptions
            {
                MaxConcurrency = parseResult.GetValue(concurrency),
                CreditBudget = parseResult.GetValue(budget),
                JournalPath = store is null ? journalPath : null,
                Store = store,
                ResubmitUnknown = parseResult.GetValue(resubmitUnknown),
            };

            using var hub = context.Connect(parseResult, requireKey: true);

            async Task PrepareAsync()
            {
                if (store is not null)
                {
                    // A batch rides out a database outage, without end: a database gih never reached (a port or host
                    // mistyped) would have it wait in silence. Reached once first, it fails at once as gih batch status does.
                    await ReachAsync(store, cancellationToken).ConfigureAwait(false);
                }

                OutDirectory.Create(directory); // before any POST (as gih generate)
            }

            // Standard input is read once every option is known to be usable, the database and the --out folder
            // included: it may be a producer that runs for hours. A batch file is read at once, and first, so a bad
            // line costs no request, no connection and no folder.
            var defaultModel = parseResult.GetValue(model) ?? DefaultModelSetting.Resolve(environment.GetVariable);
            IReadOnlyList<BatchItem> items;
            if (fromInput)
            {
                await PrepareAsync().ConfigureAwait(false);
                using var input = environment.OpenInput();
                items = await BatchFile.ReadAsync(input, StandardInputName, defaultModel, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                items = BatchFile.Read(path, fileGiven, defaultModel);
                await PrepareAsync().ConfigureAwait(false);
            }

            var tally = new BatchTally(items.Count, options.MaxConcurrency);
            var models = items.Select(i => i.Request.Model).Distinct(StringComparer.Ordinal).ToList();
            var progress = new BatchProgress(context.CreateHumanOutput(parseResult), environment.Out, tally);
            progress.Start(fromInput ? StandardInputName : fileGiven, journalPath, directory, outGiven is null);
            try
            {
                using var stopNotice = cancellationToken.Register(progress.Stopping);
                await progress.RunAsync(async () =>
                {
                    await foreach (var result in hub.Client.GenerateBatchAsync(items, options, cancellationToken).ConfigureAwait(false))
                    {
                        var (item, failureCode) = await ReportAsync(context, hub.Client, result, directory, cancellationToken).ConfigureAwait(false);

                        // The service's refusal of an unknown model quotes it: a key written as a line's "model", the
                        // config file's "defaultModel" or --model came back in the item's line. Only those words are
                        // masked, so the reason's other words (an id) stay readable.
                        item = item with { Reason = item.Reason is { } reason ? KeyMask.ApplyToUsage(reason, models, context.Connection?.ApiKey) : null };
                        tally.Add(result, failureCode);
                        progress.Item(item);
                    }
                }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The SDK has journaled every submit it started; the journal is what makes a rerun resume.
                progress.Finish(ExitCodes.Cancelled, stopped: true, journalPath, directory);
                environment.Error.WriteLine(
                    $"gih: stopped: {tally.NotFinished} items not finished; run the same command again to resume (journal: {journalPath})");
                environment.Error.Flush();
                return ExitCodes.Cancelled;
            }

            var exitCode = tally.ExitCode;
            progress.Finish(exitCode, stopped: false, journalPath, directory);
            if (exitCode != ExitCodes.Ok)
            {
                environment.Error.WriteLine($"gih: {Outcome(context, tally, options.CreditBudget)} (journal: {journalPath})");
                environment.Error.Flush();
            }

            return exitCode;
        });
        return command;
    }

    private static Option<string?> PostgresOption() => new("--postgres")
    {
        Description = "Run the batch through a PostgreSQL database instead of a journal file: any number of gih processes, on one machine or many, given the same database and --batch-name share the batch and its budget.",
        HelpName = "connection-string",
    };

    private static Option<string?> BatchNameOption() => new("--batch-name")
    {
        Description = "The batch's name in the --postgres database; every process that gives the same name works on the same batch.",
        HelpName = "name",
    };

    /// <summary>The fleet store the options name, or null for the journal file.</summary>
    private static PostgreSqlBatchStore? Store(ParseResult parseResult, Option<string?> postgres, Option<string?> batchName, int? leaseSeconds = null)
    {
        var connection = parseResult.GetValue(postgres);
        var name = parseResult.GetValue(batchName);
        if (connection is null)
        {
            return name is null ? null : throw new UsageException("--batch-name names a batch in a --postgres database; give --postgres too.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException("--postgres needs --batch-name NAME: the name every process of the batch shares.");
        }

        try
        {
            var options = new PostgreSqlBatchStoreOptions();
            if (leaseSeconds is { } seconds)
            {
                // The heartbeat beats three times per lease, so one late beat never costs a worker its items.
                options.LeaseDuration = TimeSpan.FromSeconds(seconds);
                options.HeartbeatInterval = TimeSpan.FromSeconds(seconds / 3.0);
            }

            return new PostgreSqlBatchStore(connection, name, options);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--postgres: the connection string is not valid ({ex.Message}).");
        }
    }

    /// <summary>
    /// The batch's status, read once. The store waits out a database outage without end; this is a question, not a batch:
    /// a database that refuses the connection (or a host that does not exist) fails it at once, and one that does not
    /// answer gives up after 30 s. Both are an unreachable service (exit 8), not a usage error.
    /// </summary>
    private static async Task<BatchStatus> ReachAsync(PostgreSqlBatchStore store, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            // Not waited for past the token: a driver stuck in a silent server's handshake must not outlast Ctrl+C.
            return await CancelableWait.WaitAsync(store.GetStatusAsync(unreachableIsFinal: true, timeout.Token), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseUnreachableException($"The PostgreSQL database of batch '{store.BatchName}' did not answer within 30 s.", ex);
        }
    }

    /// <summary><c>gih batch status --postgres CONNECTION_STRING --batch-name NAME</c>: counts per state, spend, and the unknown keys.</summary>
    private static Command CreateStatus(CommandContext context)
    {
        var postgres = PostgresOption();
        var batchName = BatchNameOption();
        var command = new Command("status", "Show a --postgres batch's progress: items per state, credits spent and reserved, and the keys whose outcome is unknown (possibly charged).")
        {
            postgres, batchName,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = Store(parseResult, postgres, batchName) ?? throw new UsageException("gih batch status needs --postgres CONNECTION_STRING --batch-name NAME.");
            await using (store.ConfigureAwait(false))
            {
                var status = await ReachAsync(store, cancellationToken).ConfigureAwait(false);
                var json = BatchStatusJson.From(store.BatchName, status);
                if (context.IsJson(parseResult))
                {
                    JsonOutput.Write(context.Environment.Out, json, CliJsonContext.Default.BatchStatusJson);
                }
                else
                {
                    var output = context.Environment.Out;
                    output.WriteLine($"Batch '{json.Batch}': {json.Total} items: {json.Succeeded} succeeded, {json.Failed} failed, {json.Unknown} unknown, {json.Running} running, {json.Pending} not yet submitted");
                    output.WriteLine($"Credits: {json.CreditsSpent} spent, {json.CreditsReserved} reserved" + (json.CreditBudget is { } b ? $", budget {b}" : string.Empty));
                    if (json.UnknownKeys.Count > 0)
                    {
                        output.WriteLine($"Unknown (possibly charged; not submitted again unless --resubmit-unknown): {string.Join(", ", json.UnknownKeys)}");
                    }

                    output.Flush();
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Saves a succeeded item's images and describes the item; the exit code is that of its failure, if any.</summary>
    private static async Task<(BatchItemJson Item, int? FailureCode)> ReportAsync(
        CommandContext context, IGptImageHubClient client, BatchItemResult result, string directory, CancellationToken cancellationToken)
    {
        var status = result.Status.ToString().ToLowerInvariant();
        var generationId = result.GenerationId ?? result.Generation?.Id;
        switch (result.Status)
        {
            case BatchItemStatus.Succeeded when result.Generation is { } generation:
                try
                {
                    var files = await SaveAsync(client, generation, result.FromJournal, directory, cancellationToken).ConfigureAwait(false);
                    return (new BatchItemJson(result.Key, status, generationId, files, generation.Usage?.Credits, null, result.FromJournal), null);
                }
                catch (Exception ex) when (ex is GptImageHubException or IOException or UnauthorizedAccessException
                    || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    // The job is paid for and journaled as succeeded: a rerun saves the images without a new charge.
                    // A Ctrl+C during the download lands here too, so the loop goes on to print the results still
                    // coming (the jobs in flight, each with its id) instead of ending at this one.
                    var reason = $"images not saved ({ex.Message}); save them with: {ResumeHint.DownloadCommand(context, generation.Id, directory)}";
                    return (new BatchItemJson(result.Key, status, generationId, [], generation.Usage?.Credits, reason, result.FromJournal), ExitCodes.Failure);
                }

            case BatchItemStatus.Succeeded:
                return (
                    new BatchItemJson(result.Key, status, generationId, [], null, "images not saved: the journal does not list them" + SaveHint(context, generationId, directory), result.FromJournal),
                    ExitCodes.Failure);
            case BatchItemStatus.Failed:
                // A failure read back from the journal has no exception: the journal keeps only ended generations' failures.
                var code = result.Error is { } error ? FailureReport.ExitCodeOf(error, context) : ExitCodes.GenerationFailed;
                return (new BatchItemJson(result.Key, status, generationId, [], null, result.Reason ?? result.Error?.Message, result.FromJournal), code);
            case BatchItemStatus.Incomplete when generationId is not null:
                // Paid for and still running. The SDK's reason names its own WaitForGenerationAsync; a gih user gets the
                // gih command. A stop is no failure of the item (the run exits 130); a wait that gave up (7) or polls that
                // kept failing (8, 9) are, and the batch exits with them as the README's table says.
                // The id is named once, in the command that resumes it (the line's generation_id has it too): the SDK's
                // timeout message names it again, with the item's key and its own resume advice, so a timeout is said here.
                var cause = result.Error is { } waitError && waitError is not OperationCanceledException ? FailureReport.ExitCodeOf(waitError, context) : default(int?);
                var why = result.Error switch
                {
                    OperationCanceledException or null => "the batch stopped waiting",
                    GenerationTimeoutException => "the wait gave up at its time limit",
                    _ => $"the wait ended: {result.Error.Message}",
                };
                return (
                    new BatchItemJson(
                        result.Key,
                        status,
                        generationId,
                        [],
                        null,
                        $"submitted and paid for, not finished ({why}); run the same command again to get its images without paying again, or: {ResumeHint.WaitCommand(context, generationId, directory)}",
                        result.FromJournal),
                    cause);
            case BatchItemStatus.Unknown when generationId is null:
                // The SDK's reason names its BatchOptions.ResubmitUnknown; a gih user gets gih's option.
                return (
                    new BatchItemJson(
                        result.Key,
                        status,
                        null,
                        [],
                        null,
                        $"possibly charged: the submit may have reached the service, but its generation id never came back; it is not submitted again unless you run the same command with --resubmit-unknown (check the balance first with: {ResumeHint.CreditsCommand(context)})",
                        result.FromJournal),
                    null);
            default:
                return (new BatchItemJson(result.Key, status, generationId, [], null, result.Reason, result.FromJournal), null);
        }
    }

    /// <summary>
    /// "N of M items did not succeed (...)" with what to change, and the succeeded items whose images
    /// were not saved: a run whose only failures are local still names them, instead of "0 of M".
    /// </summary>
    private static string Outcome(CommandContext context, BatchTally tally, long? budget)
    {
        var parts = new List<string>(2);
        if (tally.Succeeded < tally.Total)
        {
            var notFinished = tally.NotFinished > 0 ? $", {tally.NotFinished} not finished" : string.Empty;
            parts.Add($"{tally.Total - tally.Succeeded} of {tally.Total} items did not succeed ({tally.Failed} failed, {tally.Skipped} skipped, {tally.Unknown} unknown{notFinished})" + RerunHint(context, tally, budget));
        }

        if (tally.NotSaved > 0)
        {
            parts.Add($"the images of {tally.NotSaved} of {tally.Total} items were not saved (paid for and recorded): save them with the gih download command on each item's line, or run the same command again with an --out it can write to");
        }

        return string.Join("; ", parts);
    }

    /// <summary>
    /// What to change to submit the items that were not: a rerun with the same <c>--budget</c> would skip them again, and a
    /// rerun without <c>--resubmit-unknown</c> reports the unknown items as unknown again, forever.
    /// </summary>
    private static string RerunHint(CommandContext context, BatchTally tally, long? budget)
    {
        var hint = string.Empty;
        if (tally.Total - tally.Succeeded - tally.Failed - tally.Unknown > 0)
        {
            hint = budget is { } credits && tally.Skipped > 0
                ? $"; to submit the skipped items, run the same command with a --budget above {credits.ToString(System.Globalization.CultureInfo.InvariantCulture)} (it counts the whole batch, items already done included, and they are not paid again)"
                : "; run the same command again to submit the items not submitted";
        }

        if (tally.Unknown > 0)
        {
            hint += $"; {UnknownAdvice(context)}";
        }

        return hint;
    }

    /// <summary>What an item whose submit may have been charged, its id never received, needs from the user.</summary>
    private static string UnknownAdvice(CommandContext context) =>
        $"the unknown items may already be paid for and are not submitted again: check the balance with: {ResumeHint.CreditsCommand(context)}, and to pay for them again run the same command with --resubmit-unknown";

    private static string SaveHint(CommandContext context, string? generationId, string directory) =>
        generationId is null ? string.Empty : "; save them with: " + ResumeHint.DownloadCommand(context, generationId, directory);

    /// <summary>
    /// Saves the images, unless an item read back from the journal already has them all on disk: a
    /// rerun then lists the files of the first run instead of downloading them again.
    /// </summary>
    private static async Task<IReadOnlyList<string>> SaveAsync(
        IGptImageHubClient client, ImageGeneration generation, bool fromJournal, string directory, CancellationToken cancellationToken)
    {
        if (fromJournal && SavedFiles(generation, directory) is { } saved)
        {
            return saved;
        }

        return await client.SaveImagesAsync(generation, directory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The files SaveImagesAsync wrote for <paramref name="generation"/> ("{id}-{n}.png"), or null when any is missing.</summary>
    private static List<string>? SavedFiles(ImageGeneration generation, string directory)
    {
        // SaveImagesAsync rewrites unusual characters in ids; only plain ids can be looked up by name.
        if (!Directory.Exists(directory) || generation.Id.Length is 0 or > 80
            || !generation.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return null;
        }

        var files = new List<string>(generation.Images.Count);
        for (var i = 0; i < generation.Images.Count; i++)
        {
            var match = ImageExtensions
                .Select(extension => Path.Combine(directory, $"{generation.Id}-{i + 1}{extension}"))
                .FirstOrDefault(File.Exists);
            if (match is null)
            {
                return null;
            }

            files.Add(match);
        }

        return files;
    }

    /// <summary>What the batch releases at its end when it has no database store.</summary>
    private sealed class NoStore : IAsyncDisposable
    {
        public static readonly NoStore Instance = new();

        public ValueTask DisposeAsync() => default;
    }
}
