namespace GptImageHub.Sdk.Diagnostics;

/// <summary>Attribute names, from the OpenTelemetry GenAI and HTTP conventions where one fits.</summary>
internal static class TelemetryTags
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseId = "gen_ai.response.id";
    public const string HttpMethod = "http.request.method";
    public const string HttpStatusCode = "http.response.status_code";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string UrlPath = "url.path";
    public const string ErrorType = "error.type";
    public const string GenerationStatus = "gptimagehub.generation.status";
    public const string ImageCount = "gptimagehub.generation.images";
    public const string Credits = "gptimagehub.generation.credits";
    public const string Mode = "gptimagehub.generation.mode";

    /// <summary>The provider name in every GenAI attribute set.</summary>
    public const string Provider = "gptimagehub";

    /// <summary>The GenAI operation name for image generation: it produces content that is not text.</summary>
    public const string GenerateContent = "generate_content";
}
