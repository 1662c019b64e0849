using System.CommandLine;

namespace GptImageHub.Cli.Commands;

/// <summary>The options every command accepts, anywhere on the command line.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The API key (gih_live_...). Default: GPTIMAGEHUB_API_KEY, then apiKey in the config file.",
        HelpName = "key",
    };

    public Option<string?> ApiKeyEnv { get; } = new("--api-key-env")
    {
        Description = "Read the API key from this environment variable instead (keeps the key out of the command line and of printed hints).",
        HelpName = "name",
    };

    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = "The service address, for a self-hosted service or the emulator. Default: GPTIMAGEHUB_BASE_URL, then baseUrl in the config file, then https://www.gptimagehub.com/.",
        HelpName = "url",
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

    /// <summary>Adds <c>--json</c> and <c>--verbose</c> to the root, for every command.</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(Json);
        root.Options.Add(Verbose);
    }

    /// <summary>Adds the key and address options to a command that talks to the service (not <c>gih emulator</c>, which would ignore them).</summary>
    public T WithConnection<T>(T command)
        where T : Command
    {
        command.Options.Add(ApiKey);
        command.Options.Add(ApiKeyEnv);
        command.Options.Add(BaseUrl);
        return command;
    }
}
