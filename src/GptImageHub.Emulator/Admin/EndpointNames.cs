using System.Diagnostics.CodeAnalysis;

namespace GptImageHub.Emulator.Admin;

/// <summary>The admin API's names for <see cref="EmulatorEndpoint"/>: snake_case, as every other name on the wire.</summary>
internal static class EndpointNames
{
    private static readonly (EmulatorEndpoint Endpoint, string Name)[] Table =
    [
        (EmulatorEndpoint.Models, "models"),
        (EmulatorEndpoint.Credits, "credits"),
        (EmulatorEndpoint.CreateGeneration, "create_generation"),
        (EmulatorEndpoint.GetGeneration, "get_generation"),
        (EmulatorEndpoint.DownloadImage, "download_image"),
    ];

    public static IEnumerable<string> All => Table.Select(e => e.Name);

    public static string? Name(EmulatorEndpoint? endpoint) =>
        endpoint is { } value ? Table.First(e => e.Endpoint == value).Name : null;

    public static bool TryParse(string name, [NotNullWhen(true)] out EmulatorEndpoint? endpoint)
    {
        foreach (var (value, text) in Table)
        {
            if (string.Equals(text, name, StringComparison.Ordinal))
            {
                endpoint = value;
                return true;
            }
        }

        endpoint = null;
        return false;
    }
}
