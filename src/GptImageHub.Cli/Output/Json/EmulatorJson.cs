namespace GptImageHub.Cli.Output.Json;

/// <summary><c>gih emulator --json</c>, printed once it listens: <c>{"base_url", "api_key", "credits", "dashboard_url", "cdn_url"}</c>.</summary>
internal sealed record EmulatorJson(Uri BaseUrl, string ApiKey, long Credits, Uri DashboardUrl, Uri CdnUrl);
