using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GptImageHub.Sdk.Http;

/// <summary>
/// The wire fields of a generation request, named once. The JSON body
/// (<see cref="GenerationRequestBody"/>) and the multipart body (<see cref="MultipartGenerationContent"/>)
/// are both written from <see cref="Write"/>, so a field added here reaches both, in the same order.
/// </summary>
internal static class GenerationRequestFields
{
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Prompt = JsonEncodedText.Encode("prompt");
    public static readonly JsonEncodedText Size = JsonEncodedText.Encode("size");
    public static readonly JsonEncodedText Quality = JsonEncodedText.Encode("quality");
    public static readonly JsonEncodedText AspectRatio = JsonEncodedText.Encode("aspect_ratio");
    public static readonly JsonEncodedText N = JsonEncodedText.Encode("n");
    public static readonly JsonEncodedText Async = JsonEncodedText.Encode("async");

    /// <summary>The multipart part that carries each reference image.</summary>
    public const string ReferenceImage = "reference_image";

    /// <summary>Names <see cref="ImageGenerationRequest.AdditionalProperties"/> may not use: the request's own fields.</summary>
    public static readonly IReadOnlyCollection<string> Reserved =
        [Model.Value, Prompt.Value, Size.Value, Quality.Value, AspectRatio.Value, N.Value, Async.Value, ReferenceImage];

    /// <summary>Where the fields go: a JSON writer or the multipart text parts.</summary>
    public interface ISink
    {
        void Text(JsonEncodedText name, string value);

        void Number(JsonEncodedText name, int value);

        void Flag(JsonEncodedText name, bool value);

        void Extra(string name, JsonNode? value);
    }

    /// <summary>Writes every set field of <paramref name="request"/>, then its additional properties.</summary>
    public static void Write<TSink>(ImageGenerationRequest request, bool submitAsync, ref TSink sink)
        where TSink : struct, ISink
    {
        sink.Text(Model, request.Model);
        sink.Text(Prompt, request.Prompt);
        if (request.Size is { } size)
        {
            sink.Text(Size, size.ToString());
        }

        if (request.Quality is { } quality)
        {
            sink.Text(Quality, quality.ToString());
        }

        if (request.AspectRatio is { } aspectRatio)
        {
            sink.Text(AspectRatio, aspectRatio);
        }

        if (request.N is { } n)
        {
            sink.Number(N, n);
        }

        if (submitAsync)
        {
            sink.Flag(Async, true);
        }

        foreach (var pair in request.AdditionalProperties)
        {
            sink.Extra(pair.Key, pair.Value);
        }
    }

    /// <summary>Writes the fields as the members of a JSON object.</summary>
    public readonly struct JsonSink : ISink
    {
        private readonly Utf8JsonWriter _writer;

        public JsonSink(Utf8JsonWriter writer) => _writer = writer;

        public void Text(JsonEncodedText name, string value) => _writer.WriteString(name, value);

        public void Number(JsonEncodedText name, int value) => _writer.WriteNumber(name, value);

        public void Flag(JsonEncodedText name, bool value) => _writer.WriteBoolean(name, value);

        public void Extra(string name, JsonNode? value)
        {
            _writer.WritePropertyName(name);
            if (value is null)
            {
                _writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(_writer);
            }
        }
    }

    /// <summary>Collects the fields as multipart text parts: a string as it is, anything else as its JSON; a null extra is left out.</summary>
    public readonly struct TextSink : ISink
    {
        public TextSink(List<KeyValuePair<string, string>> fields) => Fields = fields;

        public List<KeyValuePair<string, string>> Fields { get; }

        public void Text(JsonEncodedText name, string value) => Fields.Add(new(name.Value, value));

        public void Number(JsonEncodedText name, int value) => Fields.Add(new(name.Value, value.ToString(CultureInfo.InvariantCulture)));

        public void Flag(JsonEncodedText name, bool value) => Fields.Add(new(name.Value, value ? "true" : "false"));

        public void Extra(string name, JsonNode? value)
        {
            if (value is not null)
            {
                Fields.Add(new(name, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()));
            }
        }
    }
}
