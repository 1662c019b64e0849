namespace GptImageHub.Emulator.Keys;

/// <summary>The outcome of reading a request's <c>Authorization</c> header: the user, or the documented 401 code and message.</summary>
internal readonly record struct Authentication(string? UserId, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => UserId is not null;

    public static Authentication Success(string userId) => new(userId, null, null);

    public static Authentication Failure(string code, string message) => new(null, code, message);
}
