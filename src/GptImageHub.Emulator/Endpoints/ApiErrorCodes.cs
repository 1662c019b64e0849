namespace GptImageHub.Emulator.Endpoints;

/// <summary>The documented error codes and the HTTP status each travels with.</summary>
internal static class ApiErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string MissingApiKey = "missingApiKey";
    public const string InvalidApiKey = "invalidApiKey";
    public const string ExpiredApiKey = "expiredApiKey";
    public const string InsufficientCredits = "insufficientCredits";
    public const string NotFound = "notFound";
    public const string GenerationFailed = "generationFailed";

    public static string DefaultMessage(string code) => code switch
    {
        InvalidRequest => "Invalid request body",
        MissingApiKey => "Missing Authorization header",
        InvalidApiKey => "Invalid API key",
        ExpiredApiKey => "API key has expired",
        InsufficientCredits => "Insufficient credits",
        NotFound => "Not found",
        GenerationFailed => "Image generation failed",
        _ => "Request failed",
    };
}
