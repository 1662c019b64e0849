using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GptImageHub.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace GptImageHub.Sdk.Tests.Emulator;

/// <summary>
/// Starts a fresh emulator per test and talks to it with a bare HttpClient, so the emulator is
/// checked against the documented wire format and never against the SDK.
/// </summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected GptImageHubEmulator Hub { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    /// <summary>A key with 100 credits, created for every test.</summary>
    protected string Key { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Hub = await GptImageHubEmulator.StartAsync(CreateOptions(), Ct);
        Http = new HttpClient { BaseAddress = Hub.BaseAddress };
        Key = Hub.CreateApiKey(credits: 100);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual EmulatorOptions CreateOptions() => new();

    protected Task<HttpResponseMessage> GetAsync(string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        Authorize(request, key);
        return Http.SendAsync(request, Ct);
    }

    protected Task<HttpResponseMessage> PostJsonAsync(string json, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/images/generations")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        Authorize(request, key);
        return Http.SendAsync(request, Ct);
    }

    protected Task<HttpResponseMessage> PostMultipartAsync(MultipartFormDataContent content, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/images/generations") { Content = content };
        Authorize(request, key);
        return Http.SendAsync(request, Ct);
    }

    /// <summary>A synchronous generation with the test's key that must succeed.</summary>
    protected async Task<JsonElement> GenerateAsync(string json, string? key = null)
    {
        using var response = await PostJsonAsync(json, key ?? Key);
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Checks the documented error body and returns its message.</summary>
    protected static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await ReadJsonAsync(response, status);
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.Single(body.EnumerateObject());
        return message!;
    }

    protected static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>
    /// Advances a fake clock in steps until a request in flight completes. Stepping again covers
    /// the instant in which the server has not yet armed its timer when the clock first moves.
    /// </summary>
    protected static async Task<T> AdvanceUntilCompletedAsync<T>(FakeTimeProvider time, TimeSpan step, Task<T> pending)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!pending.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "The request did not complete within 10 seconds of advancing the clock.");
            time.Advance(step);
            await Task.WhenAny(pending, Task.Delay(20, Ct));
        }

        return await pending;
    }

    /// <summary>Waits, briefly and boundedly, for work the server does on its own threads.</summary>
    protected static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 seconds.");
            await Task.Delay(5, Ct);
        }
    }

    private static void Authorize(HttpRequestMessage request, string? key)
    {
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }
}
