namespace GptImageHub.Emulator;

/// <summary>
/// One <c>POST /api/v1/images/generations</c> the emulator received, whatever its outcome, so a
/// test can count how often a client sent the same prompt (the service has no idempotency key).
/// </summary>
/// <param name="ReceivedAt">When the body was read, by the emulator's time provider.</param>
/// <param name="Prompt">The prompt, or null when the body had none or could not be read.</param>
/// <param name="Model">The model id, or null when the body had none.</param>
/// <param name="N">The number of images asked for, or null when the body did not say.</param>
/// <param name="Async">Whether the body asked for an asynchronous job.</param>
/// <param name="IsMultipart">Whether the body was <c>multipart/form-data</c>.</param>
/// <param name="ReferenceImageCount">How many <c>reference_image</c> parts the body carried.</param>
public sealed record ReceivedGenerationRequest(
    DateTimeOffset ReceivedAt,
    string? Prompt,
    string? Model,
    int? N,
    bool Async,
    bool IsMultipart,
    int ReferenceImageCount);
