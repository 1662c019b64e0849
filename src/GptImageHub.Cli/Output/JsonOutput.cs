using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GptImageHub.Cli.Output.Json;

namespace GptImageHub.Cli.Output;

/// <summary>Writes one JSON document and a newline, the only thing on standard output with <c>--json</c>.</summary>
internal static class JsonOutput
{
    // Read by scripts and people, never embedded in HTML: apostrophes and non-ASCII stay as they are.
    private static readonly CliJsonContext Context = new(new JsonSerializerOptions(CliJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo)
    {
        var info = (JsonTypeInfo<T>)Context.GetTypeInfo(typeInfo.Type)!;
        writer.WriteLine(JsonSerializer.Serialize(value, info));
        writer.Flush();
    }
}
