using System.Collections.ObjectModel;
using System.Text.Json;

namespace GptImageHub.Sdk.Serialization;

/// <summary>Shared empty collections, so records without unknown fields allocate nothing for them.</summary>
internal static class JsonExtensionDataDefaults
{
    public static readonly IReadOnlyDictionary<string, JsonElement> Empty =
        new ReadOnlyDictionary<string, JsonElement>(new Dictionary<string, JsonElement>());

    public static readonly IReadOnlyDictionary<string, int> EmptyPrices =
        new ReadOnlyDictionary<string, int>(new Dictionary<string, int>());
}
