using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GptImageHub.Sdk.Tests.Documentation;
using Microsoft.OpenApi;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// docs/openapi.json, parsed by Microsoft.OpenApi (a maintained OpenAPI 3.1 reader, not by hand), and
/// a small JSON Schema checker over its schema model: enough of 2020-12 for the document's own
/// keywords (type, const, enum, required, properties, additionalProperties, items, minimum, maximum,
/// minLength, pattern, format uri/date-time). A keyword the document uses but this checker does not
/// know fails the load, so the document cannot outgrow its tests unnoticed.
/// </summary>
internal sealed class OpenApiContract
{
    private OpenApiContract(OpenApiDocument document, string text)
    {
        Document = document;
        Text = text;
    }

    public static string FilePath { get; } = Path.Combine(ReadmeCodeBlocks.RepositoryRoot, "docs", "openapi.json");

    public static OpenApiContract Instance { get; } = Load();

    public OpenApiDocument Document { get; }

    /// <summary>The file's text, to compare with what the emulator serves.</summary>
    public string Text { get; }

    /// <summary>Every operation as <c>METHOD /path/template</c>.</summary>
    public IEnumerable<string> Operations =>
        Document.Paths.SelectMany(p => p.Value.Operations!.Select(o => $"{o.Key.Method.ToUpperInvariant()} {p.Key}"));

    private static OpenApiContract Load()
    {
        var text = File.ReadAllText(FilePath);
        var result = OpenApiDocument.Parse(text, "json");
        var errors = result.Diagnostic?.Errors ?? [];
        Assert.True(errors.Count == 0, "docs/openapi.json does not parse: " + string.Join("; ", errors.Select(e => e.Message)));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic!.SpecificationVersion);
        return new OpenApiContract(result.Document!, text);
    }

    /// <summary>The operation a request names, or a failure that says the document does not have it.</summary>
    public OpenApiOperation Operation(string method, string path)
    {
        foreach (var (template, item) in Document.Paths)
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$";
            if (Regex.IsMatch(path, pattern) && item.Operations!.FirstOrDefault(o => o.Key.Method.Equals(method, StringComparison.OrdinalIgnoreCase)).Value is { } operation)
            {
                return (OpenApiOperation)operation;
            }
        }

        Assert.Fail($"docs/openapi.json has no operation {method} {path}.");
        return null!;
    }

    /// <summary>The problems of an answer against the document: its status must be listed (or default) with a JSON schema the body meets.</summary>
    public IReadOnlyList<string> CheckResponse(string method, string path, int status, string? mediaType, string body)
    {
        var operation = Operation(method, path);
        var responses = operation.Responses!;
        var response = responses.TryGetValue(status.ToString(CultureInfo.InvariantCulture), out var exact) ? exact : responses.GetValueOrDefault("default");
        if (response is null)
        {
            return [$"{method} {path}: status {status} is not in the document"];
        }

        if (response.Content is null || !response.Content.TryGetValue(mediaType ?? string.Empty, out var media))
        {
            return [$"{method} {path} {status}: media type {mediaType} is not in the document"];
        }

        using var json = JsonDocument.Parse(body);
        var problems = new List<string>();
        Check(media.Schema!, json.RootElement, "$", problems);
        return problems;
    }

    /// <summary>The problems of a request against the document: a JSON body against its schema, a form's fields against the form schema.</summary>
    public IReadOnlyList<string> CheckRequest(string method, string path, string? contentType, byte[]? body)
    {
        var operation = Operation(method, path);
        if (operation.RequestBody is null)
        {
            return body is null or { Length: 0 } ? [] : [$"{method} {path} takes no body"];
        }

        var mediaType = contentType?.Split(';')[0].Trim() ?? string.Empty;
        if (!operation.RequestBody.Content!.TryGetValue(mediaType, out var media))
        {
            return [$"{method} {path}: request media type {mediaType} is not in the document"];
        }

        var problems = new List<string>();
        if (mediaType == "application/json")
        {
            using var json = JsonDocument.Parse(body!);
            Check(media.Schema!, json.RootElement, "$", problems);
        }
        else
        {
            Check(media.Schema!, FormAsJson(contentType!, body!), "$", problems);
        }

        return problems;
    }

    /// <summary>A multipart form as the JSON object its schema describes: text fields as strings, repeated file parts as an array.</summary>
    private static JsonElement FormAsJson(string contentType, byte[] body)
    {
        var boundary = Regex.Match(contentType, "boundary=\"?([^\";]+)\"?").Groups[1].Value;
        var text = Encoding.Latin1.GetString(body);
        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var part in text.Split("--" + boundary).Skip(1))
        {
            if (part.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var headerEnd = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headers = part[..headerEnd];
            var name = Regex.Match(headers, "name=\"?([^\";\r\n]+)\"?").Groups[1].Value;
            var value = part[(headerEnd + 4)..^2];
            if (headers.Contains("filename=", StringComparison.Ordinal))
            {
                var list = fields.TryGetValue(name, out var existing) ? (List<string>)existing : [];
                list.Add(Convert.ToBase64String(Encoding.Latin1.GetBytes(value)));
                fields[name] = list;
            }
            else
            {
                fields[name] = value;
            }
        }

        return JsonSerializer.SerializeToElement(fields);
    }

    private static void Check(IOpenApiSchema schema, JsonElement value, string at, List<string> problems)
    {
        foreach (var keyword in Unsupported(schema))
        {
            problems.Add($"{at}: the checker does not know the keyword {keyword} the document uses");
        }

        if (schema.Type is { } type && !Matches(type, value))
        {
            problems.Add($"{at}: {value.ValueKind} is not {type}");
            return;
        }

        if (schema.Const is { } constant && !(value.ValueKind == JsonValueKind.String && value.GetString() == constant))
        {
            problems.Add($"{at}: must be \"{constant}\"");
        }

        if (schema.Enum is { Count: > 0 } choices && !choices.Any(c => c!.ToJsonString() == value.GetRawText()))
        {
            problems.Add($"{at}: {value.GetRawText()} is not one of {string.Join(", ", choices.Select(c => c!.ToJsonString()))}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, at, problems);
                break;
            case JsonValueKind.Array when schema.Items is { } items:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(items, item, $"{at}[{index++}]", problems);
                }

                break;
            case JsonValueKind.Number:
                var number = value.GetDecimal();
                if ((schema.Minimum is { } min && number < decimal.Parse(min, CultureInfo.InvariantCulture))
                    || (schema.Maximum is { } max && number > decimal.Parse(max, CultureInfo.InvariantCulture)))
                {
                    problems.Add($"{at}: {number} is outside {schema.Minimum}..{schema.Maximum}");
                }

                break;
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, at, problems);
                break;
        }
    }

    private static void CheckObject(IOpenApiSchema schema, JsonElement value, string at, List<string> problems)
    {
        foreach (var required in schema.Required ?? new HashSet<string>())
        {
            if (!value.TryGetProperty(required, out _))
            {
                problems.Add($"{at}: the required field {required} is missing");
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            if (schema.Properties is not null && schema.Properties.TryGetValue(property.Name, out var known))
            {
                Check(known, property.Value, $"{at}.{property.Name}", problems);
            }
            else if (schema.AdditionalProperties is { } extra)
            {
                Check(extra, property.Value, $"{at}.{property.Name}", problems);
            }
            else if (!schema.AdditionalPropertiesAllowed)
            {
                problems.Add($"{at}: the field {property.Name} is not in the document");
            }
        }
    }

    private static void CheckString(IOpenApiSchema schema, string text, string at, List<string> problems)
    {
        if (schema.MinLength is { } minLength && text.Length < minLength)
        {
            problems.Add($"{at}: shorter than {minLength}");
        }

        if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern))
        {
            problems.Add($"{at}: \"{text}\" does not match {pattern}");
        }

        var formatOk = schema.Format switch
        {
            "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
            "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && text.Contains('T', StringComparison.Ordinal),
            _ => true,
        };
        if (!formatOk)
        {
            problems.Add($"{at}: \"{text}\" is not a {schema.Format}");
        }
    }

    private static bool Matches(JsonSchemaType type, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => type.HasFlag(JsonSchemaType.Object),
        JsonValueKind.Array => type.HasFlag(JsonSchemaType.Array),
        JsonValueKind.String => type.HasFlag(JsonSchemaType.String),
        JsonValueKind.True or JsonValueKind.False => type.HasFlag(JsonSchemaType.Boolean),
        JsonValueKind.Null => type.HasFlag(JsonSchemaType.Null),
        JsonValueKind.Number => type.HasFlag(JsonSchemaType.Number) || (type.HasFlag(JsonSchemaType.Integer) && value.TryGetInt64(out _)),
        _ => false,
    };

    private static IEnumerable<string> Unsupported(IOpenApiSchema schema)
    {
        if (schema.AllOf is { Count: > 0 })
        {
            yield return "allOf";
        }

        if (schema.OneOf is { Count: > 0 })
        {
            yield return "oneOf";
        }

        if (schema.AnyOf is { Count: > 0 })
        {
            yield return "anyOf";
        }

        if (schema.PatternProperties is { Count: > 0 })
        {
            yield return "patternProperties";
        }

        if (schema.ExclusiveMinimum is not null || schema.ExclusiveMaximum is not null)
        {
            yield return "exclusiveMinimum/Maximum";
        }

        if (schema.MaxLength is not null || schema.MaxItems is not null || schema.MinItems is not null)
        {
            yield return "maxLength/maxItems/minItems";
        }
    }
}
