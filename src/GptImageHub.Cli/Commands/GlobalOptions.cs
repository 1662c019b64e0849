using System.CommandLine;

namespace GptImageHub.Cli.Commands;

/// <summary>The options every command accepts, anywhere on the command line.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The API key (gih_live_...). Default: GPTIMAGEHUB_API_KEY, then apiKey in the config file.",
        HelpName = "key",
        Recursive = true,
    };

    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = "The service address, for a self-hosted service or the emulator. Default: GPTIMAGEHUB_BASE_URL, then baseUrl in the config file, then https://www.gptimagehub.com/.",
        HelpName = "url",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON document (snake_case) on standard output and nothing else.",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the full exception, with its stack trace, after a failure.",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(ApiKey);
        command.Options.Add(BaseUrl);
        command.Options.Add(Json);
        command.Options.Add(Verbose);
    }
}
