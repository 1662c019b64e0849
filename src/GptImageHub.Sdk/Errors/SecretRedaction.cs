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

    /// <summary>The shortest key masked in answers' bytes (<see cref="JsonForms"/>).</summary>
    public const int ShortestMaskedInAnswers = 12;

    private const string KeyPrefix = "gih_";

    private static readonly byte[] MaskUtf8 = Encoding.UTF8.GetBytes(Mask);

    private static Base64Cache? s_base64Forms;

    /// <summary>The properties whose string values name a paid job or its image, which the mask leaves as they are.</summary>
    private static readonly byte[][] Addresses = [.. new[] { "id", "poll_url", "url" }.Select(Encoding.UTF8.GetBytes)];

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
    /// <paramref name="json"/> with every occurrence of each of <paramref name="keyForms"/> in its strings
    /// replaced by <see cref="Mask"/>: the same span when there is none (the usual case, which allocates
    /// nothing), else a masked copy that is still the JSON it was.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A successful answer is data, not an error text, but a key echoed in it (a failed job's
    /// <c>error</c> quoting the request, any field a proxy adds) would reach the record, and from there a
    /// journal on disk, a batch result or a log, also behind a caller's decorator of the client, which
    /// knows no key to mask. So the client masks its own key in every answer before reading it.
    /// </para>
    /// <para>
    /// The mask must not change what the answer means. It works string by string and whole escape by
    /// whole escape: a bare byte search matched a key ending in <c>\</c> against the first half of the
    /// <c>\\</c> that writes it, and left the other half to escape the closing quote, so the answer no
    /// longer parsed. And it leaves the addresses of a paid job as they are (<see cref="Addresses"/>): a key
    /// that is by chance a word of a generation id rewrote the id to one that does not exist, and the paid
    /// job was lost. An address is the service's name for a job or an image, never an echo of the request.
    /// An answer that is not JSON (a proxy's page) is masked byte by byte, as text.
    /// </para>
    /// </remarks>
    public static ReadOnlySpan<byte> Redact(ReadOnlySpan<byte> json, byte[][] keyForms)
    {
        if (!ContainsAny(json, keyForms))
        {
            return json;
        }

        var masks = new List<(int Start, int Length)>();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            var address = false;
            while (reader.Read())
            {
                var text = reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String;
                if (text && !(address && reader.TokenType == JsonTokenType.String))
                {
                    // The token starts at its opening quote; ValueSpan is its content as written, escapes and all.
                    MaskString(reader.ValueSpan, checked((int)reader.TokenStartIndex + 1), keyForms, masks);
                }

                address = reader.TokenType == JsonTokenType.PropertyName && IsAddress(ref reader);
            }
        }
        catch (JsonException)
        {
            masks.Clear();
            MaskString(json, 0, keyForms, masks, asText: true);
        }

        return masks.Count == 0 ? json : Apply(json, masks);
    }

    /// <summary>
    /// <paramref name="text"/>, the start of an answer cut at a cap, with a start of <paramref name="apiKey"/> (or of one of
    /// its <see cref="Base64Forms"/>) that the cut left at its end masked: the whole key no longer matches there, and a key
    /// of no known shape (a proxy's) showed all but its last characters. Four characters at least, so that the end of an
    /// ordinary text is not masked for a letter it shares with the key.
    /// </summary>
    public static string RedactCutKey(string text, string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return text;
        }

        var longest = 0;
        foreach (var form in Base64Forms(apiKey!).Select(form => form.Text).Prepend(apiKey!))
        {
            for (var length = Math.Min(form.Length - 1, text.Length); length > Math.Max(longest, 3); length--)
            {
                if (string.CompareOrdinal(text, text.Length - length, form, 0, length) == 0)
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest == 0 ? text : text.Remove(text.Length - longest) + Mask;
    }

    /// <summary>
    /// The key as base64 writes it wherever it stands in the encoded text, which a proxy or a consumer's handler that
    /// reports the request's credentials writes: the key alone, <c>Bearer</c> and the key (the whole header value), the key
    /// as a Basic user name or password (<c>user:key</c>, <c>key:</c>), or inside a whole encoded header block. Base64
    /// turns three bytes into four characters, so the key's characters depend only on where its first byte falls among
    /// each three: one form for each of the three places, the characters that hold nothing but the key's bits (the one
    /// or two at each end that share bits with the text around it are left out); each in the standard and the URL
    /// alphabet. None for a key shorter than <see cref="ShortestMaskedInAnswers"/>, whose base64 is a word that ordinary
    /// text can hold. Each says whether the key's last bits spill into one more character, shared with what follows.
    /// </summary>
    /// <remarks>Computed once for the last key asked about: a client masks with its one key, on error paths only.</remarks>
    private static Base64Form[] Base64Forms(string apiKey)
    {
        var cached = s_base64Forms;
        if (cached is not null && ReferenceEquals(cached.Key, apiKey))
        {
            return cached.Forms;
        }

        var key = Encoding.UTF8.GetBytes(apiKey);
        var forms = apiKey.Length < ShortestMaskedInAnswers
            ? []
            : Enumerable.Range(0, 3)
                .Select(place =>
                {
                    // The key after `place` bytes of anything: six bits a character, so the first character that holds
                    // only the key's bits is the ceiling of 8 * place / 6, and the last whole one ends the key's bits.
                    var shifted = new byte[place + key.Length];
                    key.CopyTo(shifted, place);
                    var first = ((place * 8) + 5) / 6;
                    var text = Convert.ToBase64String(shifted).Substring(first, (shifted.Length * 8 / 6) - first);
                    return new Base64Form(text, shifted.Length * 8 % 6 != 0);
                })
                .SelectMany(standard => new[] { standard, standard with { Text = standard.Text.Replace('+', '-').Replace('/', '_') } })
                .Distinct()
                .ToArray();
        s_base64Forms = new Base64Cache(apiKey, forms);
        return forms;
    }

    /// <summary>Where the key's base64 ends in <paramref name="text"/>, its <paramref name="form"/> ending at <paramref name="end"/>: with the character holding its last bits, and the padding.</summary>
    private static int KeyEnd(string text, int end, Base64Form form)
    {
        if (form.SpillsOver && end < text.Length && IsBase64(text[end]))
        {
            end++;
        }

        while (end < text.Length && text[end] == '=')
        {
            end++;
        }

        return end;
    }

    /// <summary>
    /// <paramref name="text"/> with the key's base64 masked where line breaks split it: base64 written as MIME and PEM
    /// write it (<see cref="Base64FormattingOptions.InsertLineBreaks"/>, 76 characters a line), which left the key's
    /// bytes readable on either side of the break. Matched with the breaks left out; masked from its start to its end.
    /// </summary>
    private static string MaskWrapped(string text, Base64Form[] forms)
    {
        var joined = new StringBuilder(text.Length);
        var at = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('\r' or '\n'))
            {
                joined.Append(text[i]);
                at.Add(i);
            }
        }

        at.Add(text.Length);
        var flat = joined.ToString();
        var spans = new List<(int Start, int End)>();
        foreach (var form in forms)
        {
            for (var start = flat.IndexOf(form.Text, StringComparison.Ordinal); start >= 0; start = flat.IndexOf(form.Text, start + 1, StringComparison.Ordinal))
            {
                var end = KeyEnd(flat, start + form.Text.Length, form);
                spans.Add((at[start], at[end - 1] + 1));
            }
        }

        if (spans.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var (start, end) in spans.OrderBy(span => span.Start))
        {
            if (end <= position)
            {
                continue;
            }

            builder.Append(text, position, Math.Max(0, start - position)).Append(Mask);
            position = end;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>A character of base64 in either alphabet, its padding aside.</summary>
    private static bool IsBase64(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/' or '-' or '_';

    /// <summary>
    /// <paramref name="text"/> with each <paramref name="marker"/>, and the characters right after it that
    /// <paramref name="continues"/> takes (a key's rest, a base64 form's padding), replaced by <see cref="Mask"/>.
    /// </summary>
    private static string MaskRuns(string text, string marker, Func<char, bool> continues) =>
        MaskRuns(text, marker, (text, end) =>
        {
            while (end < text.Length && continues(text[end]))
            {
                end++;
            }

            return end;
        });

    /// <summary>
    /// <paramref name="text"/> with each <paramref name="marker"/>, and what <paramref name="rest"/> (given the text and
    /// the marker's end, it returns the run's end) takes after it, replaced by <see cref="Mask"/>.
    /// </summary>
    private static string MaskRuns(string text, string marker, Func<string, int, int> rest)
    {
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        while (start >= 0)
        {
            var end = rest(text, start + marker.Length);

            builder.Append(text, position, start - position).Append(Mask);
            position = end;
            start = end < text.Length ? text.IndexOf(marker, end, StringComparison.Ordinal) : -1;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    private static bool IsAddress(ref Utf8JsonReader reader)
    {
        foreach (var name in Addresses)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsAny(ReadOnlySpan<byte> bytes, byte[][] forms)
    {
        foreach (var form in forms)
        {
            if (bytes.IndexOf(form) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Adds the spans of <paramref name="content"/> (at <paramref name="offset"/> in the answer) that hold a form
    /// of the key. In a JSON string a match must start and end between whole escapes (the longest such form
    /// wins); in text (<paramref name="asText"/>) any match counts.
    /// </summary>
    private static void MaskString(ReadOnlySpan<byte> content, int offset, byte[][] forms, List<(int Start, int Length)> masks, bool asText = false)
    {
        if (!ContainsAny(content, forms))
        {
            return;
        }

        var boundary = new bool[content.Length + 1];
        for (var i = 0; i < content.Length;)
        {
            boundary[i] = true;
            i += asText || content[i] != (byte)'\\' ? 1 : i + 1 < content.Length && content[i + 1] == (byte)'u' ? 6 : 2;
        }

        boundary[content.Length] = true;
        for (var at = 0; at < content.Length;)
        {
            var length = 0;
            if (boundary[at])
            {
                foreach (var form in forms)
                {
                    if (form.Length > length && content.Slice(at).StartsWith(form) && boundary[at + form.Length])
                    {
                        length = form.Length;
                    }
                }
            }

            if (length > 0)
            {
                masks.Add((offset + at, length));
                at += length;
            }
            else
            {
                at++;
            }
        }
    }

    private static byte[] Apply(ReadOnlySpan<byte> json, List<(int Start, int Length)> masks)
    {
        var size = json.Length;
        foreach (var (_, length) in masks)
        {
            size += MaskUtf8.Length - length;
        }

        var masked = new byte[size];
        var from = 0;
        var to = 0;
        foreach (var (start, length) in masks)
        {
            json.Slice(from, start - from).CopyTo(masked.AsSpan(to));
            to += start - from;
            MaskUtf8.CopyTo(masked.AsSpan(to));
            to += MaskUtf8.Length;
            from = start + length;
        }

        json.Slice(from).CopyTo(masked.AsSpan(to));
        return masked;
    }

    /// <summary>
    /// <paramref name="exception"/>, or, when its message or a cause's quotes a key, an exception of the same kind (an
    /// <see cref="HttpRequestException"/> keeps its error and status, which the charge classifier reads) with the key
    /// masked in every message. <see cref="HttpClient"/>'s handler quotes what it could not parse (an invalid status or
    /// header line) in its message, and a server or proxy that echoes the request's <c>Authorization</c> there put the
    /// key into the SDK's message, the exception's <c>ToString</c> and every log of it.
    /// </summary>
    /// <remarks>
    /// A line it cannot read as a chunk's size it quotes as hyphenated hex bytes ("67-69-68-5F-..."): the key in that
    /// form is masked too.
    /// </remarks>
    public static Exception Redact(Exception exception, string? apiKey) =>
        Redact(exception, apiKey, string.IsNullOrEmpty(apiKey) ? null : BitConverter.ToString(Encoding.UTF8.GetBytes(apiKey)));

    private static Exception Redact(Exception exception, string? apiKey, string? hexKey)
    {
        var inner = exception.InnerException is { } cause ? Redact(cause, apiKey, hexKey) : null;
        var message = Redact(exception.Message, apiKey);
        if (hexKey is not null && message.IndexOf(hexKey, StringComparison.Ordinal) >= 0)
        {
            message = message.Replace(hexKey, Mask);
        }

        if (ReferenceEquals(inner, exception.InnerException) && string.Equals(message, exception.Message, StringComparison.Ordinal))
        {
            return exception;
        }

        return exception switch
        {
#if NET8_0_OR_GREATER
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, message, inner, http.StatusCode),
            HttpIOException io => new HttpIOException(io.HttpRequestError, message, inner),
#else
            HttpRequestException => new HttpRequestException(message, inner),
#endif
            InvalidDataException => new InvalidDataException(message, inner),
            OperationCanceledException canceled => new OperationCanceledException(message, inner, canceled.CancellationToken),
            _ => new IOException(message, inner),
        };
    }

    /// <summary>
    /// <paramref name="address"/> as messages and <see cref="GptImageHubClientOptions.ToString"/> show it: scheme, host
    /// and path (never its user info, query or fragment, where a key pasted into an address would be), with the key masked
    /// (<see cref="RedactInAddress"/>). A relative address is shown as written, masked the same way.
    /// </summary>
    public static string ShownAddress(Uri address, string? apiKey) => RedactInAddress(
        address.IsAbsoluteUri ? address.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : address.OriginalString,
        apiKey);

    /// <summary>
    /// <paramref name="text"/>, an address or its path as a <see cref="Uri"/> writes it, with the key masked as <see cref="Redact(string, string?)"/>
    /// masks it, and as the address escapes it (a key with a character a path cannot hold as it is).
    /// </summary>
    public static string RedactInAddress(string text, string? apiKey)
    {
        if (!string.IsNullOrEmpty(apiKey) && Uri.EscapeDataString(apiKey) is var escaped && !string.Equals(escaped, apiKey, StringComparison.Ordinal)
            && text.IndexOf(escaped, StringComparison.Ordinal) >= 0)
        {
            text = text.Replace(escaped, Mask);
        }

        return Redact(text, apiKey);
    }

    /// <summary>
    /// <paramref name="text"/> with <paramref name="apiKey"/>, its <see cref="Base64Forms"/> and every key-shaped word
    /// replaced by <see cref="Mask"/>.
    /// </summary>
    public static string Redact(string text, string? apiKey)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            if (text.IndexOf(apiKey, StringComparison.Ordinal) >= 0)
            {
                text = text.Replace(apiKey, Mask);
            }

            var forms = Base64Forms(apiKey!);
            foreach (var form in forms)
            {
                // With the character that holds the key's last bits, if any, and the padding: no further. What follows in
                // the encoded text is not the key, and a run of base64 goes on through '/': masked to its end, an address
                // that held the key's base64 (a proxy's path) lost the rest of its path in every message, the id of the
                // generation a poll named with it.
                text = MaskRuns(text, form.Text, (text, end) => KeyEnd(text, end, form));
            }

            if (text.IndexOf('\n') >= 0)
            {
                text = MaskWrapped(text, forms);
            }
        }

        return MaskRuns(text, KeyPrefix, static c => char.IsLetterOrDigit(c) || c == '_' || c == '-');
    }

    private sealed class Base64Cache(string key, Base64Form[] forms)
    {
        public string Key { get; } = key;

        public Base64Form[] Forms { get; } = forms;
    }

    /// <summary>A form of the key's base64 (<see cref="Base64Forms"/>), and whether its last bits spill into one more character.</summary>
    private sealed record Base64Form(string Text, bool SpillsOver);
}
