using System.Net;
using System.Text.Json;
using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Workbench;

/// <summary>
/// Images come from a second origin, as the real service's CDN host: every SDK test against the
/// emulator now downloads across origins, where the key must not follow.
/// </summary>
public sealed class CdnOriginTests : EmulatorTestBase
{
    [Fact]
    public async Task Image_urls_point_at_the_CDN_origin_which_serves_only_images_while_the_API_origin_serves_none()
    {
        var generation = await GenerateAsync(Json(new { model = "gpt-image-2", prompt = "two origins", size = "8x8" }));
        var url = new Uri(generation.GetProperty("images")[0].GetProperty("url").GetString()!);

        Assert.Equal((Hub.CdnAddress.Host, Hub.CdnAddress.Port), (url.Host, url.Port));
        Assert.NotEqual(Hub.BaseAddress.Port, Hub.CdnAddress.Port);
        using var image = await Http.GetAsync(url, Ct);
        using var onApi = await Http.GetAsync(new Uri(Hub.BaseAddress, url.PathAndQuery), Ct);
        using var apiOnCdn = await Http.GetAsync(new Uri(Hub.CdnAddress, "api/v1/models"), Ct);

        Assert.Equal((HttpStatusCode.OK, "image/png"), (image.StatusCode, image.Content.Headers.ContentType!.MediaType));
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnCdn.StatusCode);
    }

    [Fact]
    public async Task The_SDK_downloads_from_the_CDN_origin_without_its_key_and_the_request_log_proves_it()
    {
        using var client = new GptImageHubClient(new GptImageHubClientOptions
        {
            ApiKey = Key,
            BaseAddress = Hub.BaseAddress,
            Polling = new PollingOptions { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(20), UseJitter = false },
        });
        var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "no key on the CDN") { Size = ImageSize.Create(8, 8), N = 2 }, Ct);
        foreach (var image in generation.Images)
        {
            await client.DownloadImageAsync(image, Stream.Null, Ct);
        }

        using var log = await Http.GetAsync("_emulator/v1/requests", Ct);
        var rows = (await ReadJsonAsync(log, HttpStatusCode.OK)).GetProperty("data").EnumerateArray().ToList();
        var cdn = rows.Where(r => r.GetProperty("origin").GetString() == "cdn").ToList();
        Assert.Equal(2, cdn.Count);
        Assert.All(cdn, r => Assert.False(r.GetProperty("authorized").GetBoolean()));
        Assert.All(rows.Where(r => r.GetProperty("origin").GetString() == "api" && r.GetProperty("path").GetString() != "/api/v1/models"), r => Assert.True(r.GetProperty("authorized").GetBoolean()));
    }

    [Fact]
    public async Task A_fixed_CDN_port_is_used_and_one_equal_to_the_API_port_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GptImageHubEmulator.StartAsync(new EmulatorOptions { Port = 40123, CdnPort = 40123 }, Ct).GetAwaiter().GetResult());

        var free = LoopbackPort.Unused();
        await using var hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions { CdnPort = free }, Ct);
        Assert.Equal(new Uri($"http://127.0.0.1:{free}/"), hub.CdnAddress);
        using var state = await Http.GetAsync(new Uri(hub.BaseAddress, "_emulator/v1/state"), Ct);
        Assert.Equal(hub.CdnAddress.AbsoluteUri, JsonDocument.Parse(await state.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("cdn_address").GetString());
    }
}
