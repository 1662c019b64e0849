using System.Text;

namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// The characters the database's encoding can keep, so that free text of an answer or an exception (a message, a
/// generation's fields) is written as the database can store it: PostgreSQL refuses a whole statement for one character
/// its encoding lacks (22P05), and the record of a paid job's id must never be refused for the text around it. A UTF-8
/// database keeps everything but NUL and half a surrogate pair (which become U+FFFD); a LATIN1 one (older installations)
/// keeps U+0000 to U+00FF; any other keeps ASCII for sure, and each character past what it keeps becomes <c>?</c>.
/// </summary>
internal sealed class DatabaseText
{
    /// <summary>A UTF-8 database's: every character but NUL and half a surrogate pair.</summary>
    public static readonly DatabaseText Unicode = new('\uFFFD', char.MaxValue);

    private static readonly DatabaseText Latin1 = new('?', '\u00FF');
    private static readonly DatabaseText Ascii = new('?', '\u007F');

    private readonly char _replacement;
    private readonly char _highest;

    private DatabaseText(char replacement, char highest)
    {
        _replacement = replacement;
        _highest = highest;
    }

    /// <summary>What a character the database cannot keep becomes: U+FFFD, or <c>?</c> where the encoding lacks U+FFFD.</summary>
    public string Replacement => _replacement.ToString();

    /// <summary>What a database whose <c>server_encoding</c> is <paramref name="serverEncoding"/> keeps.</summary>
    public static DatabaseText ForServerEncoding(string? serverEncoding) => serverEncoding switch
    {
        "UTF8" or null => Unicode,
        "LATIN1" => Latin1,

        // SQL_ASCII keeps any byte in text, yet its jsonb refuses a \u escape past ASCII: ASCII is what it keeps everywhere.
        _ => Ascii,
    };

    /// <summary>The text as the database can keep it; returned as it is when it already can.</summary>
    public string Storable(string value)
    {
        StringBuilder? copy = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            var keep = pair ? _highest == char.MaxValue : c != '\0' && !char.IsSurrogate(c) && c <= _highest;
            if (keep)
            {
                copy?.Append(value, i, pair ? 2 : 1);
            }
            else
            {
                // A pair the database cannot keep is one character, and becomes one replacement.
                copy ??= new StringBuilder(value.Length).Append(value, 0, i);
                copy.Append(_replacement);
            }

            if (pair)
            {
                i++;
            }
        }

        return copy?.ToString() ?? value;
    }
}
