namespace GptImageHub.Emulator.Keys;

/// <summary>What the emulator remembers about a key: never the key itself, only whose it is and whether it still works.</summary>
internal sealed class ApiKeyRecord(string userId, DateTimeOffset? expiresAt)
{
    private volatile bool _revoked;

    public string UserId { get; } = userId;

    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    public bool Revoked => _revoked;

    public void Revoke() => _revoked = true;
}
