namespace GptImageHub.Sdk;

/// <summary>One image request of a batch, named by a key that is unique within the batch and stable across runs (the journal finds items by it).</summary>
/// <param name="Key">The item's key, such as a product SKU.</param>
/// <param name="Request">What to generate.</param>
public sealed record BatchItem(string Key, ImageGenerationRequest Request);
