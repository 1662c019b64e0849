using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Benchmarks.Peers;

// Every documented field the SDK's records carry, in the plain types a careful hand-written client
// uses (strings, numbers, DateTimeOffset, lists): the like-for-like floor for reading. The Raw DTOs
// keep four fields of a generation, so against them the SDK is also timed for the eight it reads
// and they skip. No extension data, no validation, no typed values beyond what System.Text.Json gives.

public sealed class RawFullGeneration : IRawGeneration
{
    [JsonPropertyName("object")]
    public string? ObjectType { get; set; }

    public string Id { get; set; } = "";

    public string Status { get; set; } = "";

    public string? Model { get; set; }

    public string? AspectRatio { get; set; }

    public string? Quality { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public List<RawFullImage>? Images { get; set; }

    public RawFullUsage? Usage { get; set; }

    public RawFullCredits? Balance { get; set; }

    public string? PollUrl { get; set; }
}

public sealed class RawFullImage
{
    public string Id { get; set; } = "";

    [JsonPropertyName("object")]
    public string? ObjectType { get; set; }

    public string Url { get; set; } = "";

    public DateTimeOffset? CreatedAt { get; set; }
}

public sealed class RawFullUsage
{
    public int Credits { get; set; }

    public int? CreditsRequested { get; set; }
}

public sealed class RawFullCredits
{
    public long Credits { get; set; }

    public string? AccountType { get; set; }

    public DateTimeOffset? NextExpiration { get; set; }
}

public sealed class RawFullModelList
{
    public List<RawFullModel> Data { get; set; } = [];
}

public sealed class RawFullModel
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string? Provider { get; set; }

    public List<string>? AspectRatios { get; set; }

    public List<string>? Qualities { get; set; }

    public int? ReferenceImageLimit { get; set; }

    public Dictionary<string, int>? CreditsPerImage { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RawFullGeneration))]
[JsonSerializable(typeof(RawFullCredits))]
[JsonSerializable(typeof(RawFullModelList))]
public sealed partial class RawFullJsonContext : JsonSerializerContext;
