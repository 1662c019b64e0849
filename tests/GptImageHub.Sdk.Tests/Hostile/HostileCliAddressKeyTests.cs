using GptImageHub.Sdk.Tests.Cli;
using GptImageHub.Sdk.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// A service (or its CDN signer) that echoes the request's key into an image's address (<c>?token=KEY</c>). The SDK keeps
/// a job's addresses as sent, so the download can still use them; but <c>gih get</c> and <c>gih wait</c> printed the
/// address, key and all, on standard output (human and <c>--json</c>): into a terminal's scrollback, a CI log, a pipe.
/// </summary>
public sealed class HostileCliAddressKeyTests : CliTestBase
{
    private const string EchoedKey = "gih_live_Echo0123456789abcdefghijklmnopqrstu";

    [Theory]
    [InlineData("get", false)]
    [InlineData("get", true)]
    [InlineData("wait", false)]
    [InlineData("wait", true)]
    public async Task The_runs_key_echoed_in_an_image_address_is_masked_in_what_gih_prints(string command, bool json)
    {
        using var server = WireMockServer.Start();
        var cdn = new Uri(server.BaseUri(), $"cdn/g1-1.png?token={EchoedKey}");
        server.Given(Request.Create().WithPath("/api/v1/generations/g1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$$"""{"object":"image_generation","id":"g1","status":"succeeded","model":"gpt-image-2","images":[{"id":"i1","object":"image","url":"{{{cdn}}}"}],"usage":{"credits":8}}"""));
        string[] args = [command, "g1", "--base-url", server.BaseUri().ToString(), "--api-key", EchoedKey, .. json ? new[] { "--json" } : []];

        var result = await RunAsync(args, terminal: false, Ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(EchoedKey, result.Out + result.Error, StringComparison.Ordinal);
        Assert.Contains("cdn/g1-1.png?token=[redacted]", result.Out, StringComparison.Ordinal);
    }
}
