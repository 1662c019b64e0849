using System.CommandLine;
using GptImageHub.Cli.Configuration;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using GptImageHub.Cli.Progress;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih generate "prompt"</c>: submits a job, shows its progress, saves its images.</summary>
internal static class GenerateCommand
{
    /// <summary>The help text of <c>--model</c> where it may be left out (see <see cref="Configuration.DefaultModelSetting"/>).</summary>
    public const string ModelDefaultHelp = "Default: GPTIMAGEHUB_DEFAULT_MODEL, then defaultModel in the config file, then the SDK's default model.";

    public const string DefaultOutDirectory = "output";

    public static Command Create(CommandContext context)
    {
        var prompt = new Argument<string>("prompt") { Description = "What to draw." };
        var model = new Option<string?>("--model", "-m") { Description = "The model id, from 'gih models'. " + ModelDefaultHelp };
        var size = new Option<string?>("--size") { Description = "The output size: auto or WIDTHxHEIGHT, such as 1024x1024.", HelpName = "size" };
        var quality = new Option<string?>("--quality") { Description = "The resolution and price tier: 1K, 2K or 4K, as 'gih models' lists them for the model. (auto, low, medium and high are passed on too, but the service does not price or size by them: the size picks the tier, 1K without one.)", HelpName = "quality" };
        var aspectRatio = new Option<string?>("--aspect-ratio") { Description = "The aspect ratio, such as 1:1 or 16:9, from 'gih models'.", HelpName = "ratio" };
        var count = new Option<int?>("-n") { Description = "How many images to make, 1 to 4.", HelpName = "count" }.Between(1, 4);
        var references = new Option<string[]>("--ref")
        {
            Description = "A reference image (PNG, JPEG or WebP); repeat for more.",
            HelpName = "file",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDirectory = new Option<string?>("--out", "-o") { Description = "The folder to save the images in. Default: ./output", HelpName = "dir" };
        var noWait = new Option<bool>("--no-wait") { Description = "Submit and print the generation id without waiting; fetch it later with 'gih wait <id>'." };

        var command = new Command("generate", "Generate images from a prompt, wait for them with a live progress display, and save them.")
        {
            prompt, model, size, quality, aspectRatio, count, references, outDirectory, noWait,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var environment = context.Environment;
            var outGiven = parseResult.GetValue(outDirectory);
            var directory = OutDirectory.Resolve(environment, outGiven);
            var modelId = parseResult.GetValue(model);
            if (modelId is null)
            {
                (modelId, context.ModelSource) = DefaultModelSetting.ResolveWithSource(environment.GetVariable);
                context.ModelFromSettings = modelId;
            }

            var request = new ImageGenerationRequest(modelId, parseResult.GetValue(prompt)!)
            {
                Size = parseResult.GetValue(size) is { } s ? new ImageSize(s) : default(ImageSize?),
                Quality = parseResult.GetValue(quality) is { } q ? new ImageQuality(q) : default(ImageQuality?),
                AspectRatio = parseResult.GetValue(aspectRatio),
                N = parseResult.GetValue(count),
                ReferenceImages = [.. (parseResult.GetValue(references) ?? []).Select(path => ReferenceImage.FromFile(ExistingFile(environment, path)))],
            };

            var human = context.CreateHumanOutput(parseResult);
            using var hub = context.Connect(parseResult, requireKey: true);

            // Made once gih can connect (a missing key leaves no empty folder), and before the POST, so a folder that
            // cannot be made costs nothing.
            if (!parseResult.GetValue(noWait))
            {
                OutDirectory.Create(directory);
            }
            GenerationOperation operation;

            // Not stopped by the first Ctrl+C once sent: a POST that has reached the service may have been charged, and
            // only its answer names the job. Stopped there, the run could say no more than "possibly charged", and the
            // same command run again paid twice. Its answer comes within the client's request timeout; a second Ctrl+C
            // ends the process at once (Program). A stop before the POST (the cost check, the reference images) sends
            // nothing, and a stop sends no retry after it (a 429): the token stops everything but the POST on the wire.
            // With --json, as in gih batch, the notice is not printed: standard error holds the one failure line.
            cancellationToken.ThrowIfCancellationRequested();
            using (cancellationToken.Register(() => human?.Line(SubmitStopNotice)))
            {
                operation = await hub.StartUnlessStoppedAsync(request, cancellationToken).ConfigureAwait(false);
            }

            context.GenerationId = operation.Id;
            context.ResumeDirectory = directory;

            // Stopped while the POST was answered: the failure line names the job and how to resume it.
            cancellationToken.ThrowIfCancellationRequested();

            if (parseResult.GetValue(noWait))
            {
                if (human is null)
                {
                    JsonOutput.Write(environment.Out, GenerationJson.From(operation.Value, context.Connection?.ApiKey), CliJsonContext.Default.GenerationJson);
                }
                else
                {
                    human.Line($"Submitted generation {operation.Id} ({operation.Value.Status}).");
                    human.Line($"It runs on the service; fetch it with: {ResumeHint.WaitCommand(context, operation.Id, directory)}");
                }

                return ExitCodes.Ok;
            }

            if (human is not null)
            {
                human.Line($"Submitted generation {operation.Id}.");
                human.Line(outGiven is null
                    ? $"No --out given: saving into ./{DefaultOutDirectory}/ ({directory})."
                    : $"Saving into {directory}.");
            }

            var (generation, progress) = await WaitProgress.RunAsync(
                human, hub.PollCounter, operation.Id, p => operation.WaitForCompletionAsync(p, cancellationToken)).ConfigureAwait(false);
            context.GenerationSucceeded = true;
            var files = await hub.Client.SaveImagesAsync(generation, directory, cancellationToken).ConfigureAwait(false);

            if (human is null)
            {
                JsonOutput.Write(environment.Out, GenerationJson.From(generation, context.Connection?.ApiKey, files), CliJsonContext.Default.GenerationJson);
            }
            else
            {
                GenerationView.WriteOutcome(human, generation, progress.Summary());
                GenerationView.WriteSavedFiles(human, files);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What the first Ctrl+C during the POST prints at once, so the wait for its answer does not read as a hang.</summary>
    internal const string SubmitStopNotice =
        "Stopping: nothing more will be sent. A request already sent is waited for, so that its generation id is not lost (it may be charged). Ctrl+C again quits now, and that id is never learned.";

    private static string ExistingFile(CliEnvironment environment, string path)
    {
        var full = environment.ResolvePath(path);
        return File.Exists(full) ? full : throw new UsageException($"The reference image '{path}' does not exist.");
    }
}
