using System.CommandLine;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih download &lt;id&gt; --out DIR</c>: saves the images of a finished generation.</summary>
internal static class DownloadCommand
{
    public static Command Create(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The generation id." };
        var outDirectory = new Option<string>("--out", "-o") { Description = "The folder to save the images in.", HelpName = "dir", Required = true };
        var command = new Command("download", "Save the images of a succeeded generation into a folder.") { id, outDirectory };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var generationId = parseResult.GetValue(id)!;
            var directory = context.Environment.ResolvePath(parseResult.GetValue(outDirectory)!);
            using var hub = context.Connect(parseResult, requireKey: true);
            var generation = await hub.Client.GetGenerationAsync(generationId, cancellationToken).ConfigureAwait(false);
            if (generation.Status == GenerationStatus.Failed)
            {
                throw new GenerationFailedException(
                    $"Generation '{generation.Id}' failed and has no images; the service refunded its credits.", statusCode: null, errorCode: null, generation.Id);
            }

            if (generation.Status != GenerationStatus.Succeeded)
            {
                throw new NotReadyException(
                    $"Generation {generation.Id} is still {generation.Status}; wait for it and save its images with: {ResumeHint.WaitCommand(context, generation.Id, directory)}");
            }

            // A failure to save (a full disk, a folder that cannot be made) names the paid job and how to save it
            // again, as generate and wait do; the failures above name it in their own words.
            context.GenerationId = generation.Id;
            context.ResumeDirectory = directory;
            context.GenerationSucceeded = true;
            var files = await hub.Client.SaveImagesAsync(generation, directory, cancellationToken).ConfigureAwait(false);
            if (context.CreateHumanOutput(parseResult) is { } human)
            {
                GenerationView.WriteSavedFiles(human, files);
            }
            else
            {
                JsonOutput.Write(context.Environment.Out, GenerationJson.From(generation, context.Connection?.ApiKey, files), CliJsonContext.Default.GenerationJson);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
