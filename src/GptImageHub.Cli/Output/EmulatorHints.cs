using GptImageHub.Sdk;

namespace GptImageHub.Cli.Output;

/// <summary>What <c>gih emulator</c> prints under its address and key: the lines that point any SDK program, the samples and gih at it.</summary>
internal static class EmulatorHints
{
    public static IEnumerable<string> Lines(Uri baseAddress, string apiKey, string commandName)
    {
        yield return "Point the SDK, the samples and gih at it: paste these two lines into another shell.";
        if (OperatingSystem.IsWindows())
        {
            yield return $"$env:{GptImageHubClientOptions.BaseAddressEnvironmentVariable}=\"{baseAddress}\"";
            yield return $"$env:{GptImageHubClientOptions.ApiKeyEnvironmentVariable}=\"{apiKey}\"";
        }
        else
        {
            yield return $"export {GptImageHubClientOptions.BaseAddressEnvironmentVariable}={baseAddress}";
            yield return $"export {GptImageHubClientOptions.ApiKeyEnvironmentVariable}={apiKey}";
        }

        yield return $"Then try: {commandName} generate \"a red fox\"";
    }
}
