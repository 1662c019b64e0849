using System.Text;
using GptImageHub.Sdk.Tests.Infrastructure;
using GptImageHub.Sdk.Tests.Cli;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// What <c>gih</c> prints (its one-line failure, <c>--json</c>, the <c>--verbose</c> trace) when a proxy refuses a call
/// quoting the run's key as base64 (<see cref="HostileBase64KeyEchoTests"/>), or a failed job's error quotes it: gih
/// prints the SDK's messages, which mask it.
/// </summary>
public sealed class HostileCliBase64KeyEchoTests : CliTestBase
{
    private const string EchoedKey = "gih_live_Base64Echo0123456789abcdefghijklmn";

    private static string Basic => Convert.ToBase64String(Encoding.UTF8.GetBytes(EchoedKey + ":"));

    private static string Bearer => Convert.ToBase64String(Encoding.UTF8.GetBytes("Bearer " + EchoedKey));

    [Theory]
    [InlineData("credits", "")]
    [InlineData("credits", "--json")]
    [InlineData("credits", "--verbose")]
    [InlineData("wait", "")]
    [InlineData("wait", "--json")]
    [InlineData("wait", "--verbose")]
    public async Task The_runs_key_echoed_as_base64_is_never_printed(string command, string flag)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/api/v1/credits").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody(
                $$$"""{"error":{"code":"invalidApiKey","message":"proxy could not verify Basic {{{Basic}}}"}}"""));
        server.Given(Request.Create().WithPath("/api/v1/generations/g1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$$"""{"object":"image_generation","id":"g1","status":"failed","model":"gpt-image-2","images":[],"error":{"code":"upstream_error","message":"upstream refused {{{Bearer}}}"}}"""));
        string[] args = [command, .. command == "wait" ? new[] { "g1" } : [], "--base-url", server.BaseUri().ToString(), "--api-key", EchoedKey, .. flag.Length > 0 ? new[] { flag } : []];

        var result = await RunAsync(args, terminal: false, Ct);

        Assert.NotEqual(0, result.ExitCode);
        var printed = result.Out + result.Error;
        Assert.DoesNotContain(Basic.TrimEnd('='), printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Bearer.TrimEnd('='), printed, StringComparison.Ordinal);
        Assert.Contains("[redacted]", printed, StringComparison.Ordinal);
    }
}
