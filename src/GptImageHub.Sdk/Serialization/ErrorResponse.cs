namespace GptImageHub.Sdk.Serialization;

/// <summary>The documented error body: <c>{"error": {"message": "...", "code": "..."}}</c>.</summary>
internal sealed record ErrorResponse(ErrorDetail? Error);

/// <summary>The <c>error</c> object inside <see cref="ErrorResponse"/>.</summary>
internal sealed record ErrorDetail(string? Message, string? Code);
