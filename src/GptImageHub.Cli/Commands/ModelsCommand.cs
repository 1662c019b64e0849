using System.CommandLine;
using System.Globalization;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using Spectre.Console;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih models</c>: the models the service offers, with their options and prices. Needs no key.</summary>
internal static class ModelsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("models", "List the image models, their qualities, aspect ratios, reference-image limits and prices.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var hub = context.Connect(parseResult, requireKey: false);
            var models = await hub.Client.GetModelsAsync(cancellationToken).ConfigureAwait(false);
            if (context.IsJson(parseResult))
            {
                JsonOutput.Write(context.Environment.Out, new ModelListJson([.. models.Select(ModelJson.From)]), CliJsonContext.Default.ModelListJson);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Model", "Name", "Provider", "Qualities", "Aspect ratios", "Max refs", "Credits per image");
            foreach (var model in models)
            {
                table.AddRow(
                    new Text(model.Id),
                    new Text(model.Name ?? "-"),
                    new Text(model.Provider ?? "-"),
                    new Text(string.Join(", ", model.Qualities)),
                    new Text(string.Join(" ", model.AspectRatios)),
                    new Text(model.ReferenceImageLimit?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                    new Text(model.CreditsPerImage.Count == 0 ? "-" : string.Join(", ", model.CreditsPerImage.Select(p => $"{p.Key}: {p.Value.ToString(CultureInfo.InvariantCulture)}"))));
            }

            HumanOutput.Create(context.Environment).Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
