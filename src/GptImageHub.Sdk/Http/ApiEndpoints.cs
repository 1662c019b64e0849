namespace GptImageHub.Sdk.Http;

/// <summary>The API's paths, resolved against the configured base address.</summary>
internal static class ApiEndpoints
{
    public const string Models = "api/v1/models";
    public const string Credits = "api/v1/credits";
    public const string Generations = "api/v1/images/generations";
    private const string GenerationPrefix = "api/v1/generations/";

    /// <summary>The path of one generation; the id is escaped so that an id such as <c>../credits</c> cannot change the path.</summary>
    public static Uri Generation(Uri baseAddress, string generationId) =>
        new(baseAddress, GenerationPrefix + Uri.EscapeDataString(generationId));

    public static Uri Resolve(Uri baseAddress, string path) => new(baseAddress, path);
}
