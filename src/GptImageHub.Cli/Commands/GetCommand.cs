using System.CommandLine;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih get &lt;id&gt;</c>: a generation's current state, read once.</summary>
internal static class GetCommand
{
    public static Command Create(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The generation id." };
        var command = new Command("get", "Show a generation's current status, credits and image URLs, without waiting.") { id };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var hub = context.Connect(parseResult, requireKey: true);
            var generation = await hub.Client.GetGenerationAsync(parseResult.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            if (context.CreateHumanOutput(parseResult) is { } human)
            {
                GenerationView.WriteDetails(human, generation, context.Connection?.ApiKey);
            }
            else
            {
                JsonOutput.Write(context.Environment.Out, GenerationJson.From(generation, context.Connection?.ApiKey), CliJsonContext.Default.GenerationJson);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
