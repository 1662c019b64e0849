namespace GptImageHub.Emulator;

/// <summary>The emulator's endpoints, to aim an injected fault at one of them.</summary>
public enum EmulatorEndpoint
{
    /// <summary><c>GET /api/v1/models</c>.</summary>
    Models,

    /// <summary><c>GET /api/v1/credits</c>.</summary>
    Credits,

    /// <summary><c>POST /api/v1/images/generations</c>.</summary>
    CreateGeneration,

    /// <summary><c>GET /api/v1/generations/{id}</c>.</summary>
    GetGeneration,

    /// <summary><c>GET /cdn/...png</c>, the image downloads.</summary>
    DownloadImage,
}
