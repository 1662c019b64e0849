using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>
/// A test's own emulator and temporary directory, started before each test and removed after it: the fixture of
/// the tests that run a batch against a hostile handler or decorator, and keep its journal between two runs.
/// </summary>
public abstract class EmulatorAndDirectory(string directoryPrefix) : IAsyncLifetime
{
    /// <summary>The emulator, started fresh for each test.</summary>
    protected GptImageHubEmulator Hub { get; private set; } = null!;

    /// <summary>A directory of the test's own, for journals; deleted after the test.</summary>
    protected string TempDirectory { get; } = Directory.CreateTempSubdirectory(directoryPrefix).FullName;

    /// <summary>Where a test's batch journal is kept between its runs.</summary>
    protected string Journal => Path.Combine(TempDirectory, "batch.jsonl");

    /// <summary>The running test's token.</summary>
    protected static CancellationToken T => TestContext.Current.CancellationToken;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() => Hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions(), T);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        Directory.Delete(TempDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
