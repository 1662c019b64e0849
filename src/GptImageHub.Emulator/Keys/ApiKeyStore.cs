using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GptImageHub.Emulator.Endpoints;

namespace GptImageHub.Emulator.Keys;

/// <summary>
/// Issues and checks API keys the way the service describes: a key is shown once, and only its
/// SHA-256 hash is kept, so a leaked store cannot be replayed.
/// </summary>
internal sealed class ApiKeyStore
{
    public const string KeyPrefix = "gih_live_";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int SecretLength = 32;

    // The prefix and four of the 32 secret characters: 62^28 keys remain to guess.
    private const int HintLength = 13;

    private readonly ConcurrentDictionary<string, ApiKeyRecord> _byHash = new(StringComparer.Ordinal);
    private long _issued;

    public string Issue(string userId, DateTimeOffset? expiresAt)
    {
        var key = KeyPrefix + RandomNumberGenerator.GetString(Alphabet, SecretLength);
        _byHash[Hash(key)] = new ApiKeyRecord(userId, expiresAt, key[..HintLength] + "…", Interlocked.Increment(ref _issued));
        return key;
    }

    public bool Revoke(string key)
    {
        if (!_byHash.TryGetValue(Hash(key), out var record))
        {
            return false;
        }

        record.Revoke();
        return true;
    }

    /// <summary>Every key ever issued, oldest first; only hints, never the keys.</summary>
    public IReadOnlyList<ApiKeyRecord> All() => [.. _byHash.Values.OrderBy(r => r.Order)];

    /// <summary>The owner of a key the emulator issued, whatever its state; null for a key it never issued.</summary>
    public string? FindUserId(string key) => _byHash.TryGetValue(Hash(key), out var record) ? record.UserId : null;

    public Authentication Authenticate(string? authorizationHeader, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return Authentication.Failure(ApiErrorCodes.MissingApiKey, "Missing Authorization header");
        }

        const string Scheme = "Bearer ";
        var header = authorizationHeader.Trim();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Authentication.Failure(ApiErrorCodes.InvalidApiKey, "Authorization header must use the Bearer scheme");
        }

        var key = header[Scheme.Length..].Trim();
        if (key.Length == 0)
        {
            return Authentication.Failure(ApiErrorCodes.MissingApiKey, "Missing API key");
        }

        if (!_byHash.TryGetValue(Hash(key), out var record) || record.Revoked)
        {
            return Authentication.Failure(ApiErrorCodes.InvalidApiKey, "Invalid API key");
        }

        if (record.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return Authentication.Failure(ApiErrorCodes.ExpiredApiKey, "API key has expired");
        }

        return Authentication.Success(record.UserId);
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
