using System.Text;
using System.Text.Json;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// Masks API keys in text that reaches an exception message: the configured key, and anything
/// shaped like a GPT Image Hub key, in case a server or proxy echoes one back; and the configured
/// key in an answer's body before any record is read from it.
/// </summary>
internal static class SecretRedaction
{
    public const string Mask = "[redacted]";
    private const string KeyPrefix = "gih_";
    /// <summary>The shortest key masked in answers' bytes (<see cref="JsonForms"/>).</summary>
    public const int ShortestMaskedInAnswers = 12;

    private static readonly byte[] MaskUtf8 = Encoding.UTF8.GetBytes(Mask);

    /// <summary>
    /// The ways a server that echoes <paramref name="apiKey"/> writes it inside a JSON string, as UTF-8:
    /// as it is, with only the escapes JSON requires, with <c>/</c> escaped too (PHP's default) and as
    /// System.Text.Json's default encoder writes it (<c>+</c> as <c>\u002B</c>, and so on). Distinct;
    /// none for no key. An encoding chosen to evade the mask is not the case guarded against: an honest
    /// echo (a provider's refusal quoting the request) is. None either for a key shorter than
    /// <see cref="ShortestMaskedInAnswers"/>: no issued key is that short, and a short test key ("test") is a
    /// word an answer's URL or id can hold by chance, which the mask would corrupt.
    /// </summary>
    public static byte[][] JsonForms(string? apiKey)
    {
        if (apiKey is null || apiKey.Length < ShortestMaskedInAnswers)
        {
            return [];
        }

        var required = apiKey!.Replace("\\", "\\\\").Replace("\"", "\\\"");
        return new[] { apiKey, required, required.Replace("/", "\\/"), JsonEncodedText.Encode(apiKey).ToString() }
            .Distinct(StringComparer.Ordinal)
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();
    }

    /// <summary>
    /// <paramref name="json"/> with every occurrence of each of <paramref name="keyForms"/> replaced by
    /// <see cref="Mask"/>: the same span when there is none (the usual case, which allocates nothing),
    /// else a masked copy.
    /// </summary>
    /// <remarks>
    /// A successful answer is data, not an error text, but a key echoed in it (a failed job's
    /// <c>error</c> quoting the request, any field a proxy adds) would reach the record, and from there a
    /// journal on disk, a batch result or a log, also behind a caller's decorator of the client, which
    /// knows no key to mask. So the client masks its own key in every answer before reading it.
    /// </remarks>
    public static ReadOnlySpan<byte> Redact(ReadOnlySpan<byte> json, byte[][] keyForms)
    {
        foreach (var form in keyForms)
        {
            var found = json.IndexOf(form);
            if (found < 0)
            {
                continue;
            }

            var masked = new List<byte>(json.Length);
            while (found >= 0)
            {
                Append(masked, json.Slice(0, found));
                Append(masked, MaskUtf8);
                json = json.Slice(found + form.Length);
                found = json.IndexOf(form);
            }

            Append(masked, json);
            json = masked.ToArray();
        }

        return json;
    }

    public static string Redact(string text, string? apiKey)
    {
        if (!string.IsNullOrEmpty(apiKey) && text.IndexOf(apiKey, StringComparison.Ordinal) >= 0)
        {
            text = text.Replace(apiKey, Mask);
        }

        var start = text.IndexOf(KeyPrefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        while (start >= 0)
        {
            var end = start + KeyPrefix.Length;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_' || text[end] == '-'))
            {
                end++;
            }

            builder.Append(text, position, start - position).Append(Mask);
            position = end;
            start = end < text.Length ? text.IndexOf(KeyPrefix, end, StringComparison.Ordinal) : -1;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    private static void Append(List<byte> to, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            to.Add(b);
        }
    }
}
