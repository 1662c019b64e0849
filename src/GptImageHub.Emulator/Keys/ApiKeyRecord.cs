namespace GptImageHub.Emulator.Keys;

/// <summary>What the emulator remembers about a key: never the key itself, only whose it is and whether it still works.</summary>
internal sealed class ApiKeyRecord(string userId, DateTimeOffset? expiresAt, string hint, long order)
{
    private volatile bool _revoked;

    public string UserId { get; } = userId;

    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    /// <summary>The key's first characters and an ellipsis, enough for a person to tell keys apart, useless to an attacker.</summary>
    public string Hint { get; } = hint;

    /// <summary>When the key was issued, relative to the others, for listing them in order.</summary>
    public long Order { get; } = order;

    public bool Revoked => _revoked;

    public void Revoke() => _revoked = true;
}
