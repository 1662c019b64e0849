using System.Text.RegularExpressions;

namespace GptImageHub.Cli.Failures;

/// <summary>
/// Masks API keys in what gih prints about a failure: the key of the run, and anything shaped like a
/// GPT Image Hub key. A key typed in the wrong place (given to <c>--api-key-env</c> or <c>--base-url</c>,
/// or after a mistyped <c>--api-key</c>) comes back in the parser's and gih's own messages, which end
/// up in a terminal's scrollback and in CI logs. The same rule as the SDK's for server messages.
/// </summary>
internal static partial class KeyMask
{
    public const string Mask = "[redacted]";

    /// <summary>The text with <paramref name="apiKey"/> and every key-shaped word replaced by <see cref="Mask"/>.</summary>
    public static string Apply(string text, string? apiKey)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            text = text.Replace(apiKey, Mask, StringComparison.Ordinal);
        }

        return KeyShaped().Replace(text, Mask);
    }

    // At least eight characters after the prefix: the examples gih prints ("gih_live_...") are no key.
    [GeneratedRegex(@"gih_[\p{L}\p{Nd}_-]{8,}")]
    private static partial Regex KeyShaped();
}
