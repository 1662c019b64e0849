using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Serialization;

// The wire shape of every record an answer carries, read by System.Text.Json's generated readers
// (GptImageHubJsonContext), and the one place each is turned into its public record. Names come
// from the properties (snake_case), so each wire field is named here and nowhere else.
//
// Why settable classes instead of reading the public records directly: their required and
// init-only members put System.Text.Json on its constructor path (an argument array, boxed value
// types, per-object ArgumentState). Measured with `alloc GetGeneration_Sdk` / `alloc GetModels_Sdk`
// (benchmarks, bytes per call with the reflection invoke): reading the public records straight
// cost 3,576 B / 3,664 B a call against 2,480 B / 2,239 B for the readers before this change
// (+44 % / +64 %); these classes stay on the generated fast path (a parameterless constructor and setters).
//
// A required field is checked once, in ToRecord (RequiredField.cs): missing and null are the same
// refusal, since the public records say these are never null (a submit answered "id": null used to
// become a generation with a null Id, whose first poll threw ArgumentNullException). So the wire
// types of required fields are nullable, and [JsonRequired] is not used: it checked only half of the
// rule, and its per-object bit set cost 176 B and 8-11 % of a finished generation answer's read
// (docs/benchmarks.md, "Issue 17: the generation reader"). As for any field, the last of duplicated keys counts.

/// <summary>
/// A wire class that becomes a public record once read, and that a record becomes to be written again
/// (the batch journal keeps a generation in the API's own shape, so it is read back by the same reader).
/// </summary>
internal interface IWireRecord<TRecord>
{
    TRecord ToRecord();

    void From(TRecord record);
}

/// <summary>The <c>image_generation</c> object.</summary>
internal sealed class ImageGenerationWire : IWireRecord<ImageGeneration>
{
    public string? Id { get; set; }

    public GenerationStatus? Status { get; set; }

    [JsonConverter(typeof(KnownStringJsonConverter))]
    public string? Object { get; set; }

    public string? Model { get; set; }

    [JsonConverter(typeof(KnownStringJsonConverter))]
    public string? AspectRatio { get; set; }

    [JsonConverter(typeof(KnownStringJsonConverter))]
    public string? Quality { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    [JsonConverter(typeof(ExactArrayJsonConverter<GeneratedImage, WireRecordJsonConverter<GeneratedImageWire, GeneratedImage>>))]
    public IReadOnlyList<GeneratedImage>? Images { get; set; }

    public GenerationUsage? Usage { get; set; }

    public CreditBalance? Balance { get; set; }

    public Uri? PollUrl { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    // A blank id, like a null one, names no job to poll or resume: the answer is unreadable (possibly
    // charged for a submit), never a generation whose first poll throws an ArgumentException, which
    // the charge rule reads as "nothing was sent".
    public ImageGeneration ToRecord() => new()
    {
        Id = string.IsNullOrWhiteSpace(Id) ? throw RequiredField.Missing<ImageGeneration>(nameof(Id)) : Id!,
        Status = Status ?? throw RequiredField.Missing<ImageGeneration>(nameof(Status)),
        Model = Model,
        AspectRatio = AspectRatio,
        Quality = Quality,
        CreatedAt = CreatedAt,
        Images = Images!,
        Usage = Usage,
        Balance = Balance,
        PollUrl = PollUrl,
        ObjectType = Object,
        ExtensionData = ExtensionData,
    };

    public void From(ImageGeneration record)
    {
        Id = record.Id;
        Status = record.Status;
        Object = record.ObjectType;
        Model = record.Model;
        AspectRatio = record.AspectRatio;
        Quality = record.Quality;
        CreatedAt = record.CreatedAt;
        Images = record.Images;
        Usage = record.Usage;
        Balance = record.Balance;
        PollUrl = record.PollUrl;
        ExtensionData = record.ExtensionData;
    }
}

/// <summary>One entry of a generation's <c>images</c>.</summary>
internal sealed class GeneratedImageWire : IWireRecord<GeneratedImage>
{
    public string? Id { get; set; }

    public Uri? Url { get; set; }

    [JsonConverter(typeof(KnownStringJsonConverter))]
    public string? Object { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public GeneratedImage ToRecord() => new()
    {
        Id = Id ?? throw RequiredField.Missing<GeneratedImage>(nameof(Id)),
        Url = Url ?? throw RequiredField.Missing<GeneratedImage>(nameof(Url)),
        CreatedAt = CreatedAt,
        ObjectType = Object,
        ExtensionData = ExtensionData,
    };

    public void From(GeneratedImage record)
    {
        Id = record.Id;
        Url = record.Url;
        Object = record.ObjectType;
        CreatedAt = record.CreatedAt;
        ExtensionData = record.ExtensionData;
    }
}

/// <summary>A generation's <c>usage</c>.</summary>
internal sealed class GenerationUsageWire : IWireRecord<GenerationUsage>
{
    private int _credits;

    // The reader sets it only when the answer has the field: one without it is remembered as not saying (not as free).
    public int Credits
    {
        get => _credits;
        set
        {
            _credits = value;
            CreditsGiven = true;
        }
    }

    [JsonIgnore]
    public bool CreditsGiven { get; private set; }

    public int? CreditsRequested { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public GenerationUsage ToRecord() =>
        new() { Credits = Credits, CreditsMissing = !CreditsGiven, CreditsRequested = CreditsRequested, ExtensionData = ExtensionData };

    public void From(GenerationUsage record)
    {
        Credits = record.Credits;
        CreditsRequested = record.CreditsRequested;
        ExtensionData = record.ExtensionData;
    }
}

/// <summary>
/// A credit balance, on its own (<c>/credits</c>) or inside a generation. Not sealed: the
/// <c>/credits</c> answer (<see cref="CreditsResponse"/>) is these fields plus its wrappers.
/// </summary>
internal class CreditBalanceWire : IWireRecord<CreditBalance>
{
    public long? Credits { get; set; }

    public string? AccountType { get; set; }

    [JsonConverter(typeof(LenientDateTimeOffsetJsonConverter))]
    public DateTimeOffset? NextExpiration { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public CreditBalance ToRecord() => new() { Credits = Credits ?? throw RequiredField.Missing<CreditBalance>(nameof(Credits)), AccountType = AccountType, NextExpiration = NextExpiration, ExtensionData = ExtensionData };

    public void From(CreditBalance record)
    {
        Credits = record.Credits;
        AccountType = record.AccountType;
        NextExpiration = record.NextExpiration;
        ExtensionData = record.ExtensionData;
    }
}

/// <summary>One model of the <c>/models</c> list.</summary>
internal sealed class ImageModelWire : IWireRecord<ImageModel>
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    [JsonConverter(typeof(KnownStringJsonConverter))]
    public string? Provider { get; set; }

    [JsonConverter(typeof(ExactArrayJsonConverter<string, KnownStringJsonConverter>))]
    public IReadOnlyList<string>? AspectRatios { get; set; }

    [JsonConverter(typeof(ExactArrayJsonConverter<string, KnownStringJsonConverter>))]
    public IReadOnlyList<string>? Qualities { get; set; }

    public int? ReferenceImageLimit { get; set; }

    [JsonConverter(typeof(CreditsPerImageJsonConverter))]
    public IReadOnlyDictionary<string, int>? CreditsPerImage { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public ImageModel ToRecord() => new()
    {
        Id = Id ?? throw RequiredField.Missing<ImageModel>(nameof(Id)),
        Name = Name,
        Provider = Provider,
        AspectRatios = AspectRatios!,
        Qualities = Qualities!,
        ReferenceImageLimit = ReferenceImageLimit,
        CreditsPerImage = CreditsPerImage!,
        ExtensionData = ExtensionData,
    };

    public void From(ImageModel record)
    {
        Id = record.Id;
        Name = record.Name;
        Provider = record.Provider;
        AspectRatios = record.AspectRatios;
        Qualities = record.Qualities;
        ReferenceImageLimit = record.ReferenceImageLimit;
        CreditsPerImage = record.CreditsPerImage;
        ExtensionData = record.ExtensionData;
    }
}
