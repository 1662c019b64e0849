using System.Security.Cryptography;

namespace GptImageHub.Emulator.State;

/// <summary>
/// Issues ids in the shape the service's examples suggest (cuid-like, such as
/// <c>clx...</c>): opaque, lowercase and URL-safe, so an SDK cannot come to rely on a pattern.
/// </summary>
internal static class EntityIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => "c" + RandomNumberGenerator.GetString(Alphabet, 24);
}
