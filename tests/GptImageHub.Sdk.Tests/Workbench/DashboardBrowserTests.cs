using System.Diagnostics;
using GptImageHub.Emulator;
using Microsoft.Playwright;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// The dashboard as a person uses it, in a real headless Chromium: create a key with the form, watch
/// an SDK program's generation go from queued to succeeded with its thumbnail, break the service with a
/// button and see the SDK's retry in the request log, and read the charge in the ledger.
/// </summary>
public sealed class DashboardBrowserTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    /// <summary>Where the screenshots go: the test output, beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private GptImageHubEmulator _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        // Long enough for the dashboard's half-second poll to see each state; real time, as a person watches.
        _hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { QueueDelay = TimeSpan.FromMilliseconds(1500), ProcessingDelay = TimeSpan.FromMilliseconds(1500) }, Ct);

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_person_creates_a_key_watches_an_SDK_generation_succeed_breaks_the_service_and_reads_the_charge()
    {
        var browser = chromium.Require();
        var watch = Stopwatch.StartNew();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };
        await page.GotoAsync(_hub.DashboardAddress.AbsoluteUri);
        await Assertions.Expect(page.Locator("#live")).ToContainTextAsync("Live");
        await Assertions.Expect(page.Locator("#cdn-address")).ToHaveTextAsync(_hub.CdnAddress.AbsoluteUri);

        // A key, made with the form.
        await page.GetByLabel("Credits", new() { Exact = true }).FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#key-result")).ToContainTextAsync("gih_live_");
        var key = (await page.Locator("#key-result").GetAttributeAsync("data-api-key"))!;
        var userId = _hub.GetUserId(key);
        var balance = page.Locator($"#accounts tr[data-user-id='{userId}'] td[data-balance]");
        await Assertions.Expect(balance).ToHaveTextAsync("50");

        // An SDK program's generation, live: queued, then succeeded with its thumbnail from the CDN origin.
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = key,
            BaseAddress = _hub.BaseAddress,
            Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(200), MaxInterval = TimeSpan.FromMilliseconds(400), UseJitter = false },
        });
        var generating = client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a red fox in the snow") { Size = ImageSize.Create(256, 256) }, Ct);
        var card = page.Locator("li.generation").Filter(new() { HasText = "a red fox in the snow" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "queued");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 15_000 });
        var generation = await generating;
        Assert.Equal(generation.Id, await card.GetAttributeAsync("data-generation-id"));
        await Assertions.Expect(card.Locator(".history")).ToContainTextAsync("queued");
        await Assertions.Expect(card.Locator(".history")).ToContainTextAsync("processing");
        var thumbnail = card.Locator("img");
        await Assertions.Expect(thumbnail).ToHaveAttributeAsync("src", generation.Images[0].Url.AbsoluteUri);
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth === 256", await thumbnail.ElementHandleAsync());

        // The ledger shows the charge, and the balance follows.
        await Assertions.Expect(page.Locator($"#ledger-table tr[data-kind='charge'][data-generation-id='{generation.Id}']")).ToContainTextAsync("−8");
        await Assertions.Expect(balance).ToHaveTextAsync("42");

        // A 503 from a button: the SDK's next call meets it, retries, and the log shows both.
        await page.GetByRole(AriaRole.Button, new() { Name = "Next request: 503" }).ClickAsync();
        await Assertions.Expect(page.Locator("#pending-faults")).ToContainTextAsync("status 503 on any endpoint × 1");
        Assert.Equal(1, _hub.Faults.PendingCount);
        var credits = await client.GetCreditsAsync(Ct);
        Assert.Equal(42, credits.Credits);
        var creditCalls = page.Locator("#request-log tr[data-path='/api/v1/credits']");
        await Assertions.Expect(creditCalls).ToHaveCountAsync(2);
        await Assertions.Expect(creditCalls.Nth(1)).ToHaveAttributeAsync("data-status", "503");
        await Assertions.Expect(creditCalls.Nth(1)).ToContainTextAsync("status 503");
        await Assertions.Expect(creditCalls.Nth(0)).ToHaveAttributeAsync("data-status", "200");
        await Assertions.Expect(page.Locator("#pending-faults")).ToContainTextAsync("None");

        // The thumbnail came from the CDN origin without the key, as the SDK fetched nothing there with it.
        await Assertions.Expect(page.Locator("#request-log td", new() { HasText = "(key sent!)" })).ToHaveCountAsync(0);
        Assert.Empty(consoleErrors);

        Directory.CreateDirectory(ScreenshotFolder);
        var screenshot = Path.Combine(ScreenshotFolder, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        TestContext.Current.SendDiagnosticMessage($"Dashboard screenshot: {screenshot}; scenario took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task On_a_narrow_window_the_page_does_not_scroll_sideways_and_a_fault_can_be_injected_with_the_keyboard_alone()
    {
        var browser = chromium.Require();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_hub.DashboardAddress.AbsoluteUri);
        await Assertions.Expect(page.Locator("#live")).ToContainTextAsync("Live");

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");

        // Keyboard only: focus the kind, choose "Delay" with the arrow keys, tab to the endpoint, then submit with Enter.
        await page.GetByLabel("Kind", new() { Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("delay", await page.GetByLabel("Kind", new() { Exact = true }).InputValueAsync());
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("fault-endpoint", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.GetByLabel("Delay (ms)", new() { Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("1500");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("#fault-result")).ToContainTextAsync("Injected delay");
        await Assertions.Expect(page.Locator("#pending-faults")).ToContainTextAsync("delay 1500 ms on any endpoint × 1");
        Assert.Equal(1, _hub.Faults.PendingCount);

        // A status outside 100..599 is stopped by the form itself, and nothing changes.
        await page.GetByLabel("Kind", new() { Exact = true }).SelectOptionAsync("status");
        var status = page.GetByLabel("Status", new() { Exact = true });
        await status.FillAsync("99");
        await page.GetByRole(AriaRole.Button, new() { Name = "Inject fault" }).PressAsync("Enter");
        Assert.False(await status.EvaluateAsync<bool>("e => e.validity.valid"));
        await Assertions.Expect(page.Locator("#fault-result")).ToContainTextAsync("Injected delay; 1 pending.");
        Assert.Equal(1, _hub.Faults.PendingCount);

        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "dashboard-narrow.png"), FullPage = true });
    }
}
