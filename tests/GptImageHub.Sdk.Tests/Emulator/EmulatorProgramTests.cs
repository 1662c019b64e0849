using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GptImageHub.Sdk.Tests.Emulator;

public sealed partial class EmulatorProgramTests
{
    [Fact]
    public async Task Program_prints_its_url_and_a_ready_key_with_the_asked_credits()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "GptImageHub.Emulator.exe" : "GptImageHub.Emulator"))
        {
            ArgumentList = { "--port", "0", "--credits", "77" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            string? url = null, key = null;
            while ((url is null || key is null) && await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct) is { } line)
            {
                url ??= UrlPattern().Match(line) is { Success: true } u ? u.Value : null;
                key ??= KeyPattern().Match(line) is { Success: true } k ? k.Value : null;
            }

            Assert.NotNull(url);
            Assert.NotNull(key);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/credits");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            Assert.Equal(77, body.RootElement.GetProperty("credits").GetInt64());
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(ct);
        }
    }

    [Fact]
    public async Task Program_refuses_an_unknown_flag_with_exit_code_2()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "GptImageHub.Emulator.exe" : "GptImageHub.Emulator"))
        {
            ArgumentList = { "--colour", "1" },
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--colour", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/")]
    private static partial Regex UrlPattern();

    [GeneratedRegex("gih_live_[A-Za-z0-9]{32}")]
    private static partial Regex KeyPattern();
}
