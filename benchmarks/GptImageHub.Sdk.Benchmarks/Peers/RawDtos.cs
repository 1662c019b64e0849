using System.Text.Json.Serialization;

namespace GptImageHub.Sdk.Benchmarks.Peers;

// Only the fields a caller acts on: what a hand-written client keeps, and so the floor for parsing.

public sealed class RawGeneration : IRawGeneration
{
    public string Id { get; set; } = "";

    public string Status { get; set; } = "";

    public List<RawImage>? Images { get; set; }

    public string? PollUrl { get; set; }
}

/// <summary>What the polling loop of <see cref="RawClient{TGeneration, TCredits, TModelList}"/> reads of a generation, whichever DTO holds it.</summary>
public interface IRawGeneration
{
    string Id { get; }

    string Status { get; }

    string? PollUrl { get; }
}

public sealed class RawImage
{
    public string Url { get; set; } = "";
}

public sealed class RawCredits
{
    public long Credits { get; set; }
}

public sealed class RawModelList
{
    public List<RawModel> Data { get; set; } = [];
}

public sealed class RawModel
{
    public string Id { get; set; } = "";

    public int? ReferenceImageLimit { get; set; }
}

public sealed class RawGenerationRequest
{
    public string Model { get; set; } = "";

    public string Prompt { get; set; } = "";

    public string? Size { get; set; }

    public string? Quality { get; set; }

    public bool? Async { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RawGeneration))]
[JsonSerializable(typeof(RawCredits))]
[JsonSerializable(typeof(RawModelList))]
[JsonSerializable(typeof(RawGenerationRequest))]
public sealed partial class RawJsonContext : JsonSerializerContext;
