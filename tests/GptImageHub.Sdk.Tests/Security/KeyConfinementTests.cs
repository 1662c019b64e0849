using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using static GptImageHub.Sdk.Tests.Infrastructure.ScriptedHttpServer;

namespace GptImageHub.Sdk.Tests.Security;

public sealed class KeyConfinementTests
{
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_to_another_host_carries_no_Authorization(int status)
    {
        await using var other = new ScriptedHttpServer((_, _) => Respond(200, """{"credits":1}"""), "127.0.0.3");
        await using var api = new ScriptedHttpServer((_, _) => Respond(status, "", ("Location", new Uri(other.BaseAddress, "api/v1/credits").ToString())));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress, MaxRetries = 0 });

        try
        {
            await client.GetCreditsAsync(TestContext.Current.CancellationToken);
        }
        catch (GptImageHubException)
        {
            // Refusing the redirect is as good as following it without the key.
        }

        Assert.Equal("Bearer " + TestKeys.ApiKey, Assert.Single(api.Received).Authorization);
        Assert.All(other.Received, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task An_image_download_from_the_CDN_host_carries_no_Authorization_and_streams_the_bytes()
    {
        var png = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await using var cdn = new ScriptedHttpServer((_, _) => Respond(200, Encoding.Latin1.GetString(png)), "127.0.0.2");
        await using var api = new ScriptedHttpServer((_, _) => Respond(200, "{}"));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress });
        using var destination = new MemoryStream();

        await client.DownloadImageAsync(GptImageHubModelFactory.GeneratedImage("i1", new Uri(cdn.BaseAddress, "generations/user/image.png")), destination, TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(cdn.Received).Authorization);
        Assert.Empty(api.Received);
        Assert.Equal(Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(png)), destination.ToArray());
    }

    [Fact]
    public async Task An_image_on_the_API_host_itself_is_downloaded_without_the_key_too()
    {
        await using var api = new ScriptedHttpServer((_, _) => Respond(200, "PNG"));
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = api.BaseAddress });
        using var destination = new MemoryStream();

        await client.DownloadImageAsync(GptImageHubModelFactory.GeneratedImage("i1", new Uri(api.BaseAddress, "cdn/x.png")), destination, TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(api.Received).Authorization);
    }

    [Fact]
    public async Task A_download_with_a_non_http_url_is_refused_without_a_request()
    {
        using var client = new GptImageHubClient(TestKeys.ApiKey);

        await Assert.ThrowsAsync<InvalidResponseException>(() => client.DownloadImageAsync(GptImageHubModelFactory.GeneratedImage("i1", new Uri("file:///etc/passwd")), Stream.Null, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("../../etc/passwd", "http://cdn.example/a.png", "______etc_passwd-1.png")]
    [InlineData("..\\..\\windows\\system32", "http://cdn.example/a.webp", "______windows_system32-1.webp")]
    [InlineData("/abs/path", "http://cdn.example/x.exe", "_abs_path-1.png")]
    [InlineData("gen\0nul:colon*star?", "http://cdn.example/..%2F..%2Fevil.JPG", "gen_nul_colon_star_-1.jpg")]
    [InlineData("", "http://cdn.example/noext", "image-1.png")]
    [InlineData("clx_generation_log_id", "https://cdn.example.com/generations/user/image.png?sig=a.exe", "clx_generation_log_id-1.png")]
    public void Saved_file_names_are_built_only_from_safe_characters(string id, string url, string expected) =>
        Assert.Equal(expected, ImageDownloadExtensions.FileNameFor(id, 0, new Uri(url)));

    [Fact]
    public async Task SaveImages_writes_every_image_inside_the_directory_whatever_the_server_sends()
    {
        await using var cdn = new ScriptedHttpServer((request, _) => Respond(200, "bytes of " + request.Target), "127.0.0.2");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:1/") });
        var directory = Path.Combine(Path.GetTempPath(), "gih-save-" + Guid.NewGuid().ToString("N"));
        var generation = GptImageHubModelFactory.ImageGeneration(
            "../../../escape",
            images: [GptImageHubModelFactory.GeneratedImage("a", new Uri(cdn.BaseAddress, "../../x.png")), GptImageHubModelFactory.GeneratedImage("b", new Uri(cdn.BaseAddress, "y.webp"))]);
        try
        {
            var paths = await client.SaveImagesAsync(generation, directory, TestContext.Current.CancellationToken);

            Assert.Equal([Path.Combine(directory, "_________escape-1.png"), Path.Combine(directory, "_________escape-2.webp")], paths);
            Assert.Equal("bytes of /x.png", await File.ReadAllTextAsync(paths[0], TestContext.Current.CancellationToken));
            Assert.Equal(2, Directory.GetFiles(directory).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_failed_download_leaves_no_half_file()
    {
        await using var cdn = new ScriptedHttpServer((_, _) => Truncate(200, new string('x', 10_000)), "127.0.0.2");
        using var client = new GptImageHubClient(new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = new Uri("http://127.0.0.1:1/"), MaxRetries = 0 });
        var directory = Path.Combine(Path.GetTempPath(), "gih-save-" + Guid.NewGuid().ToString("N"));
        try
        {
            await Assert.ThrowsAsync<GptImageHubConnectionException>(() => client.SaveImagesAsync(
                GptImageHubModelFactory.ImageGeneration("g", images: [GptImageHubModelFactory.GeneratedImage("a", new Uri(cdn.BaseAddress, "a.png"))]),
                directory,
                TestContext.Current.CancellationToken));

            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
