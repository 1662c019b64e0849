using GptImageHub.Cli;
using GptImageHub.Emulator;

namespace GptImageHub.Sdk.Tests.Cli;

/// <summary>
/// Runs gih in-process against a fresh emulator per test, from a temporary working folder, with an
/// environment that holds only what the test puts in it (never the machine's key or config).
/// Polling is shortened through the SDK-options seam so that a wait takes milliseconds.
/// </summary>
public abstract class CliTestBase : IAsyncLifetime
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    protected GptImageHubEmulator Hub { get; private set; } = null!;

    /// <summary>A key with 100 credits.</summary>
    protected string Key { get; private set; } = null!;

    /// <summary>The run's working folder, where ./output lands; also HOME, so no real config is read.</summary>
    protected string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("gih-cli-").FullName;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Hub = await GptImageHubEmulator.StartAsync(CreateEmulatorOptions(), Ct);
        Key = Hub.CreateApiKey(credits: 100);
        _variables["HOME"] = WorkingDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected virtual EmulatorOptions CreateEmulatorOptions() => new();

    /// <summary>The SDK options every run gets on top of what gih sets: fast polling, no retry delays.</summary>
    protected virtual void ConfigureClient(GptImageHubClientOptions options)
    {
        options.MaxRetries = 0;
        options.Polling = new PollingOptions
        {
            InitialInterval = TimeSpan.FromMilliseconds(5),
            MaxInterval = TimeSpan.FromMilliseconds(20),
            UseJitter = false,
        };
    }

    protected void SetVariable(string name, string value) => _variables[name] = value;

    /// <summary>How the runs say gih was started (<see cref="CliEnvironment.CommandName"/>).</summary>
    protected string CommandName { get; set; } = CliEnvironment.InstalledCommandName;

    /// <summary>Runs gih with exactly <paramref name="args"/>.</summary>
    private protected Task<CliResult> RunAsync(params string[] args) => RunAsync(args, terminal: false, Ct);

    /// <summary>Runs gih against the emulator with the test's key: <c>--base-url</c> and <c>--api-key</c> are appended.</summary>
    private protected Task<CliResult> RunWithKeyAsync(params string[] args) =>
        RunAsync([.. args, "--base-url", Hub.BaseAddress.ToString(), "--api-key", Key], terminal: false, Ct);

    private protected async Task<CliResult> RunAsync(string[] args, bool terminal, CancellationToken cancellationToken, CapturedWriter? stdout = null, string input = "", Func<Stream>? openInput = null)
    {
        stdout ??= new CapturedWriter();
        var stderr = new CapturedWriter();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            GetVariable = name => _variables.GetValueOrDefault(name),
            IsOutputRedirected = !terminal,
            WorkingDirectory = WorkingDirectory,
            ConfigureClient = ConfigureClient,
            CommandName = CommandName,

            // Never the test process's own standard input.
            OpenInput = openInput ?? (() => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input))),
        };
        var exitCode = await CliApp.RunAsync(args, environment, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Checks that a file is a whole, valid PNG and returns it parsed.</summary>
    private protected static Emulator.PngFile AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written.");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        return Emulator.PngFile.Parse(bytes);
    }

    /// <summary>Waits, boundedly, for something a command running in the background does.</summary>
    protected static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(5, Ct);
        }
    }
}
