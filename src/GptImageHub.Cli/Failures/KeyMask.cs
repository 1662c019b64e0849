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

    /// <summary>
    /// An address from the service's answer (an image's <c>url</c>) as gih prints it: the run's own key, which a
    /// server or CDN that echoes the request put in the address (<c>?token=...</c>), is masked. Only that exact key:
    /// a path word that merely looks like a key is part of the address. The SDK keeps the address as sent, so the
    /// download still uses it; only what reaches a terminal, a log or a pipe is masked.
    /// </summary>
    public static string ApplyToAddress(string address, string? apiKey) =>
        string.IsNullOrEmpty(apiKey) ? address : address.Replace(apiKey, Mask, StringComparison.Ordinal);

    /// <summary>
    /// Whether a word the user typed may be a secret that gih cannot recognise by its shape (another service's key,
    /// or a GPT Image Hub key pasted without its prefix): 16 characters or more, no white space, letters and digits
    /// mixed, and none of the <c>.</c> and <c>:</c> that a URL, a host or a file name has. gih does not echo such a
    /// word in a usage error, where no generation id has to be shown; elsewhere only <see cref="Apply"/> runs, so
    /// that ids (also long words of letters and digits) stay readable.
    /// </summary>
    public static bool MayBeSecret(string word) =>
        word.Length >= 16
        && !word.Any(c => char.IsWhiteSpace(c) || c is '.' or ':')
        && word.Any(char.IsLetter)
        && word.Any(char.IsDigit);

    /// <summary><see cref="Apply"/>, and every word of <paramref name="typed"/> that <see cref="MayBeSecret"/> masked too: for the parser's complaints, which quote what was typed.</summary>
    public static string ApplyToUsage(string text, IEnumerable<string> typed, string? apiKey)
    {
        foreach (var word in typed.SelectMany(Words).Where(MayBeSecret).OrderByDescending(word => word.Length))
        {
            text = text.Replace(word, Mask, StringComparison.Ordinal);
        }

        return Apply(text, apiKey);
    }

    /// <summary>
    /// A typed token, and for an option written with its value (<c>--name=value</c>, or <c>--name:value</c>, which the
    /// parser accepts too) the value alone: the <c>:</c> made the whole token look like a URL, and a key after a
    /// mistyped option was quoted whole.
    /// </summary>
    private static IEnumerable<string> Words(string token)
    {
        yield return token;
        var delimiter = token.StartsWith('-') ? token.IndexOfAny([':', '=']) : -1;
        if (delimiter > 0)
        {
            yield return token[(delimiter + 1)..];
        }
    }

    // At least eight characters after the prefix: the examples gih prints ("gih_live_...") are no key.
    [GeneratedRegex(@"gih_[\p{L}\p{Nd}_-]{8,}")]
    private static partial Regex KeyShaped();
}
