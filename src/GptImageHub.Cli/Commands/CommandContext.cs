using System.CommandLine;
using GptImageHub.Cli.Configuration;
using GptImageHub.Cli.Output;
using GptImageHub.Sdk;

namespace GptImageHub.Cli.Commands;

/// <summary>What the commands of one run share: the environment, the global options and the job to name if the run fails.</summary>
internal sealed class CommandContext
{
    public CommandContext(CliEnvironment environment, GlobalOptions options)
    {
        Environment = environment;
        Options = options;
    }

    public CliEnvironment Environment { get; }

    public GlobalOptions Options { get; }

    /// <summary>The generation this run submitted or waits for: a failure names it so that the job, already paid for, is not lost.</summary>
    public string? GenerationId { get; set; }

    /// <summary>Where the images of <see cref="GenerationId"/> were to be saved, for the resume hint.</summary>
    public string? ResumeDirectory { get; set; }

    /// <summary>
    /// Whether <see cref="GenerationId"/> has succeeded: a failure after it (saving its images) has nothing left to wait
    /// for, and its hint is the download that saves the images, not a wait for a job that no longer runs.
    /// </summary>
    public bool GenerationSucceeded { get; set; }

    /// <summary>
    /// The model of a run that names none, when it came from <c>GPTIMAGEHUB_DEFAULT_MODEL</c> or the config file: a
    /// key written there by mistake is quoted back by the service's refusal of an unknown model, and a usage error
    /// masks it like a word typed on the command line (<see cref="Failures.KeyMask.ApplyToUsage"/>).
    /// </summary>
    public string? ModelFromSettings { get; set; }

    /// <summary>Where <see cref="ModelFromSettings"/> was read (the variable, the config file), or null for the SDK's default.</summary>
    public string? ModelSource { get; set; }

    /// <summary>The connection settings of the last <see cref="Connect"/>, so an auth failure can say where the key came from.</summary>
    public ConnectionSettings? Connection { get; private set; }

    public bool IsJson(ParseResult parseResult) => parseResult.GetValue(Options.Json);

    /// <summary>The human output, or null with <c>--json</c>, when only the JSON document may reach standard output.</summary>
    public HumanOutput? CreateHumanOutput(ParseResult parseResult) => IsJson(parseResult) ? null : HumanOutput.Create(Environment);

    /// <summary>Resolves the key and address and opens a client.</summary>
    /// <exception cref="MissingApiKeyException"><paramref name="requireKey"/> is set and no key was found anywhere.</exception>
    public HubConnection Connect(ParseResult parseResult, bool requireKey)
    {
        var settings = ConnectionSettings.Resolve(
            parseResult.GetValue(Options.ApiKey), parseResult.GetValue(Options.BaseUrl), Environment.GetVariable, parseResult.GetValue(Options.ApiKeyEnv));
        Connection = settings;
        if (requireKey && settings.ApiKey is null)
        {
            throw new MissingApiKeyException(
                $"No API key: pass --api-key (or --api-key-env NAME), set {GptImageHubClientOptions.ApiKeyEnvironmentVariable}, or put \"apiKey\" in {settings.ConfigPath ?? "~/.config/gih/config.json"}.");
        }

        return HubConnection.Open(settings, Environment.ConfigureClient);
    }
}
