namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// The tests that change the process's environment variables (GPTIMAGEHUB_API_KEY, GPTIMAGEHUB_BASE_URL)
/// or its current folder. They run alone, after the parallel tests, so no other test sees the change.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentTests
{
    public const string Name = "Process environment";
}

/// <summary>Sets environment variables for one test and restores the previous values on dispose.</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _previous = new(StringComparer.Ordinal);

    public EnvironmentScope(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _previous.TryAdd(name, Environment.GetEnvironmentVariable(name));
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>Both SDK variables set (or cleared, with null).</summary>
    public static EnvironmentScope Sdk(string? apiKey, string? baseUrl) => new(
        (GptImageHubClientOptions.ApiKeyEnvironmentVariable, apiKey),
        (GptImageHubClientOptions.BaseAddressEnvironmentVariable, baseUrl));

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

/// <summary>Clears the SDK's variables when the test assembly loads: a developer's own key or emulator address never reaches a test.</summary>
internal static class ClearSdkVariables
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Run()
    {
        Environment.SetEnvironmentVariable(GptImageHubClientOptions.ApiKeyEnvironmentVariable, null);
        Environment.SetEnvironmentVariable(GptImageHubClientOptions.BaseAddressEnvironmentVariable, null);
    }
}
