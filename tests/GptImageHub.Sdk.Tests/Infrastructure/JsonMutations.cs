namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>Mutations of JSON text for the fuzz tests: one value, found outside strings, replaced by another.</summary>
internal static class JsonMutations
{
    public static string ReplaceAValue(string json, string replacement, Random random)
    {
        var colons = Enumerable.Range(0, json.Length).Where(i => json[i] == ':' && !InString(json, i)).ToArray();
        if (colons.Length == 0)
        {
            return json;
        }

        var start = colons[random.Next(colons.Length)] + 1;
        var end = start;
        var nesting = 0;
        var inString = false;
        for (; end < json.Length; end++)
        {
            var c = json[end];
            if (c == '"' && json[end - 1] != '\\')
            {
                inString = !inString;
            }
            else if (!inString && c is '[' or '{')
            {
                nesting++;
            }
            else if (!inString && c is ']' or '}')
            {
                if (nesting-- == 0)
                {
                    break;
                }
            }
            else if (!inString && c == ',' && nesting == 0)
            {
                break;
            }
        }

        return json[..start] + replacement + json[end..];
    }

    private static bool InString(string json, int index)
    {
        var inString = false;
        for (var i = 0; i < index; i++)
        {
            if (json[i] == '"' && (i == 0 || json[i - 1] != '\\'))
            {
                inString = !inString;
            }
        }

        return inString;
    }
}
