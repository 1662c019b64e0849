using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace GptImageHub.Sdk.Tests.Hostile;

/// <summary>
/// The key in what the SDK logs and traces when a failure quotes it: a consumer's handler whose failure reports the
/// request's <c>Authorization</c>, an error body that echoes it (plain and as base64), a failed job whose error quotes
/// it. Held by design: logs and activities carry an exception's type name, never its message or the exception itself,
/// and no answer's text. Guards that no later log line or tag starts quoting one.
/// </summary>
public sealed class HostileTelemetryKeyTests
{
    private const string Key = "gih_live_TelemetryWatch0123456789abcdefghij";

    private static CancellationToken T => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("handler")]
    [InlineData("error body")]
    [InlineData("failed job")]
    public async Task A_failure_quoting_the_key_never_puts_it_in_a_log_or_an_activity(string failure)
    {
        var model = "telemetry-key-" + Guid.NewGuid().ToString("N")[..8];
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GptImageHubTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var collector = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        var handler = new CannedAnswerHandler(request => Answer(failure, request, model));
        var options = new GptImageHubClientOptions { ApiKey = Key, BaseAddress = CannedAnswerHandler.BaseAddress, MaxRetries = 0, Polling = { InitialInterval = TimeSpan.FromMilliseconds(5), UseJitter = false } };
        using var client = new GptImageHubClient(new HttpClient(handler), options, loggers);

        var ex = await Assert.ThrowsAnyAsync<GptImageHubException>(() => client.GenerateImageAsync(new ImageGenerationRequest(model, "a fox"), T));

        var root = Assert.Single(activities, a => Equals(a.GetTagItem("gen_ai.request.model"), model));
        var text = new StringBuilder(ex.ToString());
        foreach (var activity in activities.Where(a => a.TraceId == root.TraceId))
        {
            text.Append(activity.DisplayName).Append(activity.StatusDescription);
            foreach (var tag in activity.TagObjects)
            {
                text.Append(tag.Key).Append('=').Append(tag.Value);
            }

            foreach (var e in activity.Events)
            {
                text.Append(e.Name);
                foreach (var tag in e.Tags)
                {
                    text.Append(tag.Key).Append('=').Append(tag.Value);
                }
            }
        }

        foreach (var record in collector.GetSnapshot())
        {
            text.Append(record.Message).Append(record.Exception);
            foreach (var pair in record.StructuredState ?? [])
            {
                text.Append(pair.Key).Append('=').Append(pair.Value);
            }
        }

        Assert.True(activities.Count(a => a.TraceId == root.TraceId) >= 2, "the generation and its HTTP activities");
        Assert.NotEmpty(collector.GetSnapshot());
        Assert.DoesNotContain("TelemetryWatch", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Base64("Bearer " + Key)[..40], text.ToString(), StringComparison.Ordinal);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static HttpResponseMessage Answer(string failure, HttpRequestMessage request, string model)
    {
        var echo = request.Headers.Authorization?.ToString() ?? "(none)";
        return failure switch
        {
            "handler" => throw new HttpRequestException("proxy refused " + echo),
            "error body" => CannedAnswerHandler.Answer(403, new StringContent($$$"""{"error":{"code":"proxy_denied","message":"refused {{{echo}}} ({{{Base64(echo)}}})"}}""")),
            _ when request.Method == HttpMethod.Post => CannedAnswerHandler.Answer((int)HttpStatusCode.Accepted, new StringContent($$$"""{"id":"g-{{{model}}}","status":"queued","model":"{{{model}}}","images":[]}""")),
            _ => CannedAnswerHandler.Answer(200, new StringContent($$$"""{"id":"g-{{{model}}}","status":"failed","model":"{{{model}}}","images":[],"error":{"code":"upstream","message":"refused {{{echo}}} ({{{Base64(echo)}}})"}}""")),
        };
    }
}
