namespace GptImageHub.Sdk;

/// <summary>
/// What a generation request will cost, priced from the service's own <c>/models</c> list before
/// anything is sent. When the list does not say, <see cref="Credits"/> is null and
/// <see cref="Reason"/> says why: the SDK never guesses a price.
/// </summary>
public sealed record CreditEstimate
{
    /// <summary>The model the request names.</summary>
    public required string Model { get; init; }

    /// <summary>The resolution tier the price is for, such as <c>1K</c>; null when it cannot be told.</summary>
    public string? Tier { get; init; }

    /// <summary>How many images the request asks for.</summary>
    public int Count { get; init; }

    /// <summary>The price of one image at <see cref="Tier"/>, when known.</summary>
    public int? CreditsPerImage { get; init; }

    /// <summary>The whole request's price (<see cref="CreditsPerImage"/> x <see cref="Count"/>), or null when the price list does not say.</summary>
    public long? Credits { get; init; }

    /// <summary>Why <see cref="Credits"/> is null; null when it is known.</summary>
    public string? Reason { get; init; }
}
