using System.CommandLine;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using GptImageHub.Cli.Progress;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih wait &lt;id&gt;</c>: resumes the wait for a submitted generation, from any process, and saves its images with <c>--out</c>.</summary>
internal static class WaitCommand
{
    public static Command Create(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The generation id, as 'gih generate' printed it." };
        var outDirectory = new Option<string?>("--out", "-o") { Description = "Save the images into this folder.", HelpName = "dir" };
        var command = new Command("wait", "Wait for a generation to finish, with a live progress display; save its images with --out.") { id, outDirectory };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var environment = context.Environment;
            var generationId = parseResult.GetValue(id)!;
            var directory = parseResult.GetValue(outDirectory) is { } given ? environment.ResolvePath(given) : null;
            context.GenerationId = generationId;
            context.ResumeDirectory = directory;

            var human = context.CreateHumanOutput(parseResult);
            using var hub = context.Connect(parseResult, requireKey: true);
            var (generation, progress) = await WaitProgress.RunAsync(
                human, hub.PollCounter, generationId, p => hub.Client.WaitForGenerationAsync(generationId, p, cancellationToken)).ConfigureAwait(false);
            context.GenerationSucceeded = true;
            var files = directory is null ? null : await hub.Client.SaveImagesAsync(generation, directory, cancellationToken).ConfigureAwait(false);

            if (human is null)
            {
                JsonOutput.Write(environment.Out, GenerationJson.From(generation, context.Connection?.ApiKey, files), CliJsonContext.Default.GenerationJson);
                return ExitCodes.Ok;
            }

            GenerationView.WriteOutcome(human, generation, progress.Summary());
            if (files is null)
            {
                GenerationView.WriteImageUrls(human, generation, context.Connection?.ApiKey);
                human.Line($"Save them with: {ResumeHint.DownloadCommand(context, generation.Id, environment.ResolvePath(GenerateCommand.DefaultOutDirectory))}");
            }
            else
            {
                GenerationView.WriteSavedFiles(human, files);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
