using System.Net;
using GptImageHub.Sdk.Errors;
using GptImageHub.Sdk.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The redirect guard over HTTP/2 (h2c on loopback, a consumer's handler asking for it): a generation POST answered
/// 307/308 after its body, with and without <c>Expect: 100-continue</c>, is sent once and fails possibly charged with
/// no id; the answer of the address it was sent on to is never taken for its own. Without Expect the body's second
/// write is refused (held). With it, HTTP/2 holds back even a small JSON body when a final answer comes first (HTTP/1.1
/// sends one under 1 KiB anyway), so the redirected request went with its head only, its 429 was taken for the POST's
/// and retried: three whole POSTs before the answer-side check (HostileExpectContinueRedirectTests' fix).
/// </summary>
public sealed class HostileHttp2RedirectTests
{
    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(307, false, false)]
    [InlineData(308, false, true)]
    [InlineData(307, true, true)]
    [InlineData(308, true, false)]
    public async Task A_generation_POST_redirected_over_HTTP2_is_sent_once_and_possibly_charged(int status, bool expectContinue, bool referenceImage)
    {
        var bodies = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        await using var app = builder.Build();
        app.MapPost("/api/v1/images/generations", async (HttpContext context) =>
        {
            if (!context.Request.Headers.ContainsKey("Authorization"))
            {
                // The redirected request: answered before its body is read (a 429, as a gateway in a hurry would).
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
                await context.Response.WriteAsync("""{"error":{"message":"Slow down","code":"rate_limited"}}""");
                return;
            }

            using var sink = new MemoryStream();
            await context.Request.Body.CopyToAsync(sink);
            Interlocked.Increment(ref bodies);
            context.Response.StatusCode = status;
            context.Response.Headers.Location = "/api/v1/images/generations";
        });
        await app.StartAsync(T);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        using var http = new HttpClient(new Http2Only(expectContinue, new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GptImageHubClient(http, new GptImageHubClientOptions { ApiKey = TestKeys.ApiKey, BaseAddress = address, MaxRetries = 2, RequestTimeout = TimeSpan.FromSeconds(10) });
        var request = new ImageGenerationRequest("gpt-image-2", "a fox")
        {
            ReferenceImages = referenceImage ? [ReferenceImage.FromStream(new MemoryStream(TestImages.Png(4096)), "ref.png")] : [],
        };

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.StartImageGenerationAsync(request, T));
        await app.StopAsync(T);

        Assert.Equal(1, Volatile.Read(ref bodies));
        Assert.Equal(SubmitOutcome.PossiblyCharged, ChargeClassifier.Classify(ex));
        Assert.True(ex.PossiblyCharged, ex.Message);
        Assert.Null(ex.GenerationId);
    }

    /// <summary>A consumer's handler that sends every request as HTTP/2 over plain TCP (prior knowledge).</summary>
    private sealed class Http2Only(bool expectContinue, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            request.Headers.ExpectContinue = expectContinue;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
