using System.Text;

namespace GptImageHub.Sdk.Errors;

/// <summary>
/// Masks API keys in text that reaches an exception message: the configured key, and anything
/// shaped like a GPT Image Hub key, in case a server or proxy echoes one back.
/// </summary>
internal static class SecretRedaction
{
    public const string Mask = "[redacted]";
    private const string KeyPrefix = "gih_";

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
}
