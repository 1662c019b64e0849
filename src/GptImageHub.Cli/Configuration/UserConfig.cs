namespace GptImageHub.Cli.Configuration;

/// <summary>The contents of the user's <c>gih/config.json</c>: <c>{"apiKey": "gih_live_...", "baseUrl": "https://...", "defaultModel": "..."}</c>.</summary>
internal sealed record UserConfig
{
    /// <summary>The API key, used when neither <c>--api-key</c> nor <c>GPTIMAGEHUB_API_KEY</c> gives one.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The service address, used when neither <c>--base-url</c> nor <c>GPTIMAGEHUB_BASE_URL</c> gives one.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The model of a generation that names none, used when <c>GPTIMAGEHUB_DEFAULT_MODEL</c> does not give one.</summary>
    public string? DefaultModel { get; init; }
}
