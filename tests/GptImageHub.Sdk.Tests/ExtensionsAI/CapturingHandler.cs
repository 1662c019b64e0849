using System.Collections.Concurrent;
using System.Text.Json;

namespace GptImageHub.Sdk.Tests.ExtensionsAI;

/// <summary>
/// Records every request the SDK sends, with its body, and then sends it on to the emulator
/// unchanged: the emulator's ledger does not keep every field, the bytes on the wire do.
/// </summary>
internal sealed class CapturingHandler : DelegatingHandler
{
    public CapturingHandler()
    {
        InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false };
    }

    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

    public IEnumerable<CapturedRequest> Submits => Requests.Where(r => r.Method == HttpMethod.Post);

    public int PollCount => Requests.Count(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.StartsWith("/api/v1/generations/", StringComparison.Ordinal));

    public int DownloadCount => Requests.Count(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.StartsWith("/cdn/", StringComparison.Ordinal));

    /// <summary>The single JSON generation body sent.</summary>
    public JsonElement SingleJsonSubmit()
    {
        var submit = Assert.Single(Submits);
        Assert.StartsWith("application/json", submit.ContentType, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(submit.Body!);
        return document.RootElement.Clone();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[]? body = null;
        string? contentType = null;
        if (request.Content is { } content)
        {
            body = await content.ReadAsByteArrayAsync(cancellationToken);
            contentType = content.Headers.ContentType?.ToString();
            var copy = new ByteArrayContent(body);
            foreach (var header in content.Headers.Where(h => h.Key != "Content-Length"))
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = copy;
            content.Dispose();
        }

        Requests.Enqueue(new CapturedRequest(request.Method, request.RequestUri!, contentType, body));
        return await base.SendAsync(request, cancellationToken);
    }

    internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, string? ContentType, byte[]? Body);
}
