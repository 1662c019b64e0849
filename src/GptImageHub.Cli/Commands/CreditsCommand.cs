using System.CommandLine;
using System.Globalization;
using GptImageHub.Cli.Failures;
using GptImageHub.Cli.Output;
using GptImageHub.Cli.Output.Json;
using Spectre.Console;

namespace GptImageHub.Cli.Commands;

/// <summary><c>gih credits</c>: the balance of the key's owner.</summary>
internal static class CreditsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("credits", "Show the credit balance of the API key's owner.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var hub = context.Connect(parseResult, requireKey: true);
            var balance = await hub.Client.GetCreditsAsync(cancellationToken).ConfigureAwait(false);
            if (context.IsJson(parseResult))
            {
                JsonOutput.Write(context.Environment.Out, CreditsJson.From(balance), CliJsonContext.Default.CreditsJson);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Credits", "Account", "Next expiration");
            table.AddRow(
                new Text(balance.Credits.ToString(CultureInfo.InvariantCulture)),
                new Text(balance.AccountType ?? "-"),
                new Text(balance.NextExpiration?.ToString("u", CultureInfo.InvariantCulture) ?? "none"));
            HumanOutput.Create(context.Environment).Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
