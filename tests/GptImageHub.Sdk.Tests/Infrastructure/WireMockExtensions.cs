using System.Net;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace GptImageHub.Sdk.Tests.Infrastructure;

internal static class WireMockExtensions
{
    /// <summary>The server's address on 127.0.0.1, so other loopback addresses count as other hosts.</summary>
    public static Uri BaseUri(this WireMockServer server) =>
        new($"http://127.0.0.1:{server.Ports[0]}/");

    public static GptImageHubClient CreateSdkClient(this WireMockServer server, Action<GptImageHubClientOptions>? configure = null)
    {
        var options = new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = server.BaseUri(), MaxRetries = 0 };
        configure?.Invoke(options);
        return new GptImageHubClient(options);
    }

    public static void StubJson(this WireMockServer server, string method, string path, int status, string body, params (string Name, string Value)[] headers)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);
    }

    public static void StubRaw(this WireMockServer server, string method, string path, int status, string? contentType, string body)
    {
        var response = Response.Create().WithStatusCode(status);
        if (contentType is not null)
        {
            response = response.WithHeader("Content-Type", contentType);
        }

        server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(body.Length == 0 ? response : response.WithBody(body));
    }

    public static IReadOnlyList<ILogEntry> Requests(this WireMockServer server) => server.LogEntries.ToList();

    public static int Count(this WireMockServer server, string method, string? pathPrefix = null) =>
        server.LogEntries.Count(e => e.RequestMessage.Method == method && (pathPrefix is null || e.RequestMessage.Path.StartsWith(pathPrefix, StringComparison.Ordinal)));

    public static string? Header(this ILogEntry entry, string name) =>
        entry.RequestMessage.Headers is { } headers && headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;

    public static HttpStatusCode Status(int code) => (HttpStatusCode)code;
}
