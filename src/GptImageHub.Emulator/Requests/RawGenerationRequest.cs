namespace GptImageHub.Emulator.Requests;

/// <summary>
/// A generation request's fields as they arrived, before any rule is checked. <see cref="Error"/>
/// holds the first problem met while reading the body; it is reported only after authentication,
/// as the service would.
/// </summary>
internal sealed class RawGenerationRequest
{
    public bool IsMultipart { get; init; }

    public string? Model { get; set; }

    public string? Prompt { get; set; }

    public string? Size { get; set; }

    public string? Quality { get; set; }

    public string? AspectRatio { get; set; }

    public int? N { get; set; }

    public bool Async { get; set; }

    public int ReferenceImageCount { get; set; }

    public string? Error { get; private set; }

    /// <summary>Keeps the first problem only: later ones are usually consequences of it.</summary>
    public void Reject(string message) => Error ??= message;
}
