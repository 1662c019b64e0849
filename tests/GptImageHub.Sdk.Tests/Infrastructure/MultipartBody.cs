using System.Text;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>A strict reader of a multipart/form-data body, so tests can assert exactly what the server received.</summary>
internal sealed record MultipartBody(IReadOnlyList<MultipartBody.Part> Parts)
{
    public static MultipartBody Parse(string contentType, byte[] body)
    {
        var boundary = contentType.Split("boundary=")[1].Trim('"');
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<Part>();
        var position = IndexOf(body, delimiter, 0);
        if (position != 0)
        {
            throw new FormatException("The body does not start with the boundary.");
        }

        while (true)
        {
            position += delimiter.Length;
            if (body[position] == '-' && body[position + 1] == '-')
            {
                if (Encoding.ASCII.GetString(body, position, body.Length - position) != "--\r\n")
                {
                    throw new FormatException("Bytes after the closing boundary.");
                }

                return new MultipartBody(parts);
            }

            position += 2;
            var headEnd = IndexOf(body, "\r\n\r\n"u8.ToArray(), position);
            var head = Encoding.UTF8.GetString(body, position, headEnd - position).Split("\r\n");
            var next = IndexOf(body, [.. "\r\n"u8, .. delimiter], headEnd + 4);
            var content = body[(headEnd + 4)..next];
            parts.Add(new Part(head.ToDictionary(h => h.Split(':', 2)[0], h => h.Split(':', 2)[1].Trim(), StringComparer.OrdinalIgnoreCase), content));
            position = next + 2;
        }
    }

    public IEnumerable<Part> Files => Parts.Where(p => p.FileName is not null);

    public IEnumerable<(string Name, string Value)> Fields => Parts.Where(p => p.FileName is null).Select(p => (p.Name, Encoding.UTF8.GetString(p.Content)));

    private static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        var index = haystack.AsSpan(start).IndexOf(needle);
        return index < 0 ? throw new FormatException("Delimiter not found.") : start + index;
    }

    internal sealed record Part(IReadOnlyDictionary<string, string> Headers, byte[] Content)
    {
        public string Disposition => Headers["Content-Disposition"];

        public string Name => Between(Disposition, "name=\"");

        public string? FileName => Disposition.Contains("filename=\"", StringComparison.Ordinal) ? Between(Disposition, "filename=\"") : null;

        public string? ContentType => Headers.TryGetValue("Content-Type", out var value) ? value : null;

        private static string Between(string text, string start)
        {
            var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
            return text[from..text.IndexOf('"', from)];
        }
    }
}
