using Microsoft.Playwright;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// A real headless Chromium for the dashboard's tests, driven by Playwright: the one GIH_CHROMIUM names
/// or Debian's /usr/bin/chromium (Playwright's own browser download needs the internet). Without one the
/// tests skip with the reason, or fail when GIH_REQUIRE_BROWSER=1 (CI, which installs it).
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private const string PathVariable = "GIH_CHROMIUM";
    private const string RequireVariable = "GIH_REQUIRE_BROWSER";
    private const string DebianChromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The running browser, or null with <see cref="SkipReason"/>.</summary>
    public IBrowser? Browser { get; private set; }

    /// <summary>Why there is no browser.</summary>
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } given ? given : DebianChromium;
        if (!File.Exists(path))
        {
            SkipReason = $"no browser: {path} does not exist (apt-get install chromium, or set {PathVariable})";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Timeout = 60_000,
        });
    }

    /// <summary>Skips the calling test when there is no browser, or fails it where CI requires one.</summary>
    public IBrowser Require()
    {
        if (Browser is not null)
        {
            return Browser;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"{RequireVariable}=1 but the browser tests cannot run: {SkipReason}");
        }

        Assert.Skip(SkipReason!);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
